"""error_bound.py BUILD MODEL LAYERS: every output of MODEL's net_qinfer on its calibration rows
within a bound of the float model's, for a dense network (LAYERS = "n_in:n_out:act,...", act
linear, relu or softmax (last)). Reads BUILD/MODEL.bin (float weights), the calibration record
BUILD/deploy/MODEL/MODEL_q8_calib.txt (each tensor's scale and zero point), the rows
BUILD/data/MODEL/calib.csv and compare.c's dump BUILD/dump_MODEL.txt (float outputs, then int8
outputs, per row).

The bound splits the int8 error in two. (1) The quantization of the weights, biases and input:
computed exactly, as the float model with the scheme's int8 weights W^ = s_w clamp(round(W / s_w)),
int32 biases b^ = s_in s_w round(b / (s_in s_w)) and the quantized input x^ = s_X (xq - z_X), all
implemented here from the scheme's text, in double, each tensor clamped to its int8 range as the
int8 code clamps it; its distance to the float output is |y_fq - y_float|. (2) The rounding of
each requantization, at most half a step of the tensor it writes (SRDHM then RDBP round twice:
2^-31 relative more, inside the slack); a layer passes on the error e of its input as
sum |W^| e (relu and linear are 1-Lipschitz, and so is a clamp). A softmax output is off by at
most half the largest logit error (the rows of the softmax Jacobian have 1-norm
2 p (1 - p) <= 1/2) plus the integer softmax's own rounding: 1/512 for the division, 1/256 where
256 clamps to 127, (n + 1) / 131072 for the exponential table's entries. So
    |y_int8 - y_float| <= |y_fq - y_float| + e_out (1 + 1e-4) + 1e-6,
the slack covering the float model's float32 arithmetic.
"""
import math
import struct
import sys

import numpy as np

build, model, layers_text = sys.argv[1], sys.argv[2], sys.argv[3]
layers = [(int(a), int(b), act) for a, b, act in (item.split(":") for item in layers_text.split(","))]


def round_away(v):
    """round half away from zero, elementwise, exactly (v - floor(v) is exact in double)."""
    v = np.asarray(v, dtype=np.float64)
    magnitude = np.abs(v)
    whole = np.floor(magnitude)
    whole = whole + (magnitude - whole >= 0.5)
    return np.sign(v) * whole


with open(f"{build}/{model}.bin", "rb") as f:
    data = f.read()
count = struct.unpack_from("<q", data, 16)[0]
values = np.frombuffer(data, dtype="<f4", count=count, offset=32).astype(np.float64)
params, at = [], 0
for n_in, n_out, _ in layers:
    W = values[at:at + n_in * n_out].reshape(n_out, n_in)
    at += n_in * n_out
    b = values[at:at + n_out]
    at += n_out
    params.append((W, b))
assert at == count, "LAYERS do not match the weights file"

tensors = {}
for line in open(f"{build}/deploy/{model}/{model}_q8_calib.txt"):
    if not line.startswith("#"):
        name, _, _, scale, zero_point = line.split()
        tensors[name] = (float(scale), int(zero_point))

rows = np.loadtxt(f"{build}/data/{model}/calib.csv", delimiter=",", ndmin=2)[:, :layers[0][0]]
# the C side reads the rows as float (net_real) before quantizing them
rows = rows.astype(np.float32).astype(np.float64)
dump = np.loadtxt(f"{build}/dump_{model}.txt", ndmin=2)
n_last = layers[-1][1]
y_float, y_int8 = dump[:, :n_last], dump[:, n_last:]
assert len(dump) == len(rows)

# the int8 weights and biases, from the scheme's text
quantized = []
s_in = tensors["X"][0]
for l, ((W, b), (_, n_out, act)) in enumerate(zip(params, layers), start=1):
    s_w = np.abs(W).max(axis=1) / 127
    s_w[s_w == 0] = 1
    W_hat = s_w[:, None] * np.clip(round_away(W / s_w[:, None]), -127, 127)
    b_hat = s_in * s_w * round_away(b / (s_in * s_w))
    pre = f"Z{l}" if act == "softmax" else f"A{l}"
    quantized.append((W_hat, b_hat, pre))
    s_in = tensors[f"A{l}"][0]

s_x, z_x = tensors["X"]
worst = (0.0, 0.0, 0.0)
for r, x in enumerate(rows):
    a_float = x
    a_fq = s_x * (np.clip(round_away(x / s_x) + z_x, -128, 127) - z_x)
    e = np.zeros(x.shape)
    for (W, b), (W_hat, b_hat, pre), (_, n_out, act) in zip(params, quantized, layers):
        s, z = tensors[pre]
        low = 0.0 if act == "relu" else s * (-128 - z)
        z_float = W @ a_float + b
        z_fq = np.clip(W_hat @ a_fq + b_hat, low, s * (127 - z))
        e_z = np.abs(W_hat) @ e + s / 2
        if act == "softmax":
            p = np.exp(z_float - z_float.max())
            a_float = p / p.sum()
            p = np.exp(z_fq - z_fq.max())
            a_fq = p / p.sum()
            e = np.full(n_out, e_z.max() / 2 + 1 / 512 + 1 / 256 + (n_out + 1) / 131072)
        else:
            a_float = np.maximum(z_float, 0) if act == "relu" else z_float
            a_fq = z_fq
            e = e_z
    bound = np.abs(a_fq - a_float) + e * (1 + 1e-4) + 1e-6
    diff = np.abs(y_int8[r] - y_float[r])
    i = int(np.argmax(diff / bound))
    if diff[i] / bound[i] > worst[0]:
        worst = (diff[i] / bound[i], diff[i], bound[i])
    if diff[i] > bound[i]:
        print(f"error_bound: {model} row {r + 1} output {i}: |int8 - float| = {diff[i]:.6g} exceeds "
              f"the bound {bound[i]:.6g} (quantized-weights model {abs(a_fq - a_float)[i]:.6g}, "
              f"requantization {e[i]:.6g})")
        sys.exit(1)
step = tensors[f"A{len(layers)}"][0]
print(f"check-q8: {model}: every output of {len(rows)} calibration rows within its error bound "
      f"(worst difference / bound {worst[0]:.3f}: {worst[1]:.4g} of {worst[2]:.4g}, "
      f"{worst[1] / step:.1f} of {worst[2] / step:.1f} output steps)")
