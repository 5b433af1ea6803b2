"""simulate_dense.py BUILD MODEL LAYERS: the int8 scheme for a dense network, implemented here
from its text with numpy's 64-bit integers (LAYERS = "n_in:n_out:act,...", act linear, relu or
softmax (last)), against MODEL's generated net_qinfer on the calibration rows: every output equal
bit for bit. Also recomputes each tensor's (scale, zero point) from the calibration record's
range and checks the record's. Reads what error_bound.py reads.
"""
import math
import struct
import sys

import numpy as np

build, model, layers_text = sys.argv[1], sys.argv[2], sys.argv[3]
layers = [(int(a), int(b), act) for a, b, act in (item.split(":") for item in layers_text.split(","))]
INT32_MIN, INT32_MAX = -(1 << 31), (1 << 31) - 1


def round_away(v):
    """round half away from zero (C's round), exactly: v - floor(v) is exact in double."""
    v = np.asarray(v, dtype=np.float64)
    magnitude = np.abs(v)
    whole = np.floor(magnitude)
    whole = whole + (magnitude - whole >= 0.5)
    return np.sign(v) * whole


def quantize_multiplier(m):
    if m == 0:
        return 0, 0
    fraction, exponent = math.frexp(m)
    q = int(round_away(fraction * 2.0 ** 31))
    if q == 1 << 31:
        q, exponent = 1 << 30, exponent + 1
    if exponent < -31:
        return 0, 0
    assert exponent <= 30, "multiplier too large"
    return q, exponent


def truncating_divide(n, d):
    return np.where(n >= 0, n // d, -((-n) // d))


def requantize(x, q, shift):
    """MultiplyByQuantizedMultiplier, elementwise over int64 arrays (q and shift per element)."""
    left = np.maximum(shift, 0)
    right = np.maximum(-shift, 0)
    x = np.clip(x * (np.int64(1) << left), INT32_MIN, INT32_MAX)
    ab = x * q
    nudge = np.where(ab >= 0, np.int64(1 << 30), np.int64(1 - (1 << 30)))
    high = truncating_divide(ab + nudge, np.int64(1 << 31))
    high = np.where((x == INT32_MIN) & (q == INT32_MIN), INT32_MAX, high)
    mask = (np.int64(1) << right) - 1
    remainder = high & mask
    threshold = (mask >> 1) + (high < 0)
    return (high >> right) + (remainder > threshold)


with open(f"{build}/{model}.bin", "rb") as f:
    data = f.read()
count = struct.unpack_from("<q", data, 16)[0]
values = np.frombuffer(data, dtype="<f4", count=count, offset=32).astype(np.float64)

record = {}
problems = 0
for line in open(f"{build}/deploy/{model}/{model}_q8_calib.txt"):
    if line.startswith("#"):
        continue
    name, low, high, scale, zero_point = line.split()
    low, high = float(low), float(high)
    if name.startswith("A") and name == f"A{len(layers)}" and layers[-1][2] == "softmax":
        s, z = 1 / 256, -128
    elif high == low:
        s, z = 1 / 255, -128
    else:
        s = (high - low) / 255
        z = int(min(max(-128 - round_away(low / s), -128), 127))
    if (s, z) != (float(scale), int(zero_point)) or low > 0 or high < 0:
        print(f"simulate_dense: {model}: tensor {name}: record says {scale} {zero_point}, its range "
              f"[{low!r}, {high!r}] gives {s!r} {z}")
        problems += 1
    record[name] = (s, z)

qlayers, at = [], 0
s_in = record["X"][0]
for l, (n_in, n_out, act) in enumerate(layers, start=1):
    W = values[at:at + n_in * n_out].reshape(n_out, n_in)
    at += n_in * n_out
    b = values[at:at + n_out]
    at += n_out
    s_w = np.abs(W).max(axis=1) / 127
    s_w[s_w == 0] = 1
    qW = np.clip(round_away(W / s_w[:, None]), -127, 127).astype(np.int64)
    qb = round_away(b / (s_in * s_w)).astype(np.int64)
    pre = f"Z{l}" if act == "softmax" else f"A{l}"
    s_out, z_out = record[pre]
    mq = np.array([quantize_multiplier(s_in * sw / s_out) for sw in s_w], dtype=np.int64)
    exp_table = None
    if act == "softmax":
        exp_table = np.array([int(round_away(math.exp(-s_out * d) * 65536)) for d in range(256)],
                             dtype=np.int64)
    qlayers.append((qW, qb, mq[:, 0], mq[:, 1], z_out, act, exp_table))
    s_in = record[f"A{l}"][0]
assert at == count, "LAYERS do not match the weights file"

rows = np.loadtxt(f"{build}/data/{model}/calib.csv", delimiter=",", ndmin=2)[:, :layers[0][0]]
rows = rows.astype(np.float32).astype(np.float64)  # net_qinfer reads float inputs
dump = np.loadtxt(f"{build}/dump_{model}.txt", ndmin=2)
n_last = layers[-1][1]
s_y, z_y = record[f"A{len(layers)}"]
yq_c = (round_away(dump[:, n_last:] / s_y) + z_y).astype(np.int64)

s_x, z_x = record["X"]
mismatches = 0
for r, x in enumerate(rows):
    q = np.clip(round_away(x / s_x) + z_x, -128, 127).astype(np.int64)
    z_in = z_x
    for qW, qb, mq, shift, z_out, act, exp_table in qlayers:
        acc = qb + qW @ (q - z_in)
        out = requantize(acc, mq, shift) + z_out
        q = np.clip(out, max(-128, z_out) if act == "relu" else -128, 127)
        if act == "softmax":
            e = exp_table[q.max() - q]
            total = e.sum()
            q = np.clip(((e << 8) + total // 2) // total - 128, -128, 127)
            z_out = -128
        z_in = z_out
    if not np.array_equal(q, yq_c[r]):
        mismatches += 1
        if mismatches <= 5:
            print(f"simulate_dense: {model} row {r + 1}: generated {yq_c[r].tolist()}, scheme {q.tolist()}")
if mismatches or problems:
    print(f"simulate_dense: {model}: {mismatches} of {len(rows)} rows differ, {problems} tensor records wrong")
    sys.exit(1)
print(f"check-q8: {model}: net_qinfer equals the scheme simulated from its text (numpy int64) bit for "
      f"bit on {len(rows)} calibration rows; the record's {len(record)} (scale, zero point) recomputed")
