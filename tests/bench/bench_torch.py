"""PyTorch eager on the four benchmark nets, with the protocol of tests/bench/harness.c.

    /usr/bin/python3 tests/bench/bench_torch.py DATA_DIR PASS LABEL [NET...]

Reads DATA_DIR/<net>/{net.txt,params0.f32,X.f32,Y.f32} (written by prep), writes
DATA_DIR/<net>/after.LABEL.f64, and prints the same check/result/info lines as the C harness.

One thread, float32. Layout: samples are rows (m x n), PyTorch's own convention, so
Z = A_prev W^T + b is one addmm against the weights in their [out][in] order. forward runs under
inference_mode into preallocated outputs. The train step is autograd (forward, the loss from
the logits with PyTorch's own stable losses, torch.autograd.grad) and a manual SGD update,
p.sub_(grad, alpha=lr): on these nets that measured faster than loss.backward() with
torch.optim.SGD (zero_grad, step), foreach or not.

Run it with OPENBLAS_NUM_THREADS=1 and OMP_NUM_THREADS=1 (run.sh does): Debian's torch calls
the system BLAS, whose threads torch.set_num_threads does not govern.
"""
import array
import os
import sys
import time

import torch
import torch.nn.functional as F

WARMUP_NS = 20e6
SAMPLE_NS = 0.5e6
BUDGET_NS = 250e6
MIN_SAMPLES = 41
MAX_SAMPLES = 4001
TRAIN_REPS_MAX = 32


def read_net(directory):
    net = {}
    with open(os.path.join(directory, "net.txt")) as f:
        for line in f:
            key, *values = line.split()
            net[key] = values
    return {
        "name": net["name"][0],
        "input": int(net["input"][0]),
        "batch": int(net["batch"][0]),
        "units": [int(u) for u in net["units"]],
        "act": net["act"],
        "loss": net["loss"][0],
        "lr": float(net["lr"][0]),
        "params": int(net["params"][0]),
    }


def read_floats(path, count):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) != 4 * count:
        sys.exit(f"bench_torch: {path}: expected exactly {count} floats")
    return torch.frombuffer(bytearray(data), dtype=torch.float32)


class TorchNet:
    def __init__(self, net, flat, X, Y):
        self.net = net
        m, widths = net["batch"], [net["input"]] + net["units"]
        self.W, self.b, offset = [], [], 0
        for l in range(1, len(widths)):
            rows, cols = widths[l], widths[l - 1]
            self.W.append(flat[offset:offset + rows * cols].reshape(rows, cols).clone())
            offset += rows * cols
            self.b.append(flat[offset:offset + rows].clone())
            offset += rows
        self.params = [p for pair in zip(self.W, self.b) for p in pair]
        for p in self.params:
            p.requires_grad_(True)
        # The contract's X is n0 x m (samples are columns); here samples are rows.
        self.X = X.reshape(widths[0], m).t().contiguous()
        self.Y = Y.reshape(widths[-1], m).t().contiguous()
        self.outs = [torch.empty(m, n) for n in widths[1:]]
        self.lr = net["lr"]
        self.inv_m = 1.0 / m

    def set_params(self, flat):
        with torch.no_grad():
            offset = 0
            for p in self.params:
                p.copy_(flat[offset:offset + p.numel()].reshape(p.shape))
                offset += p.numel()

    def logits(self, out=None):
        """Z[L] (and every hidden activation); into preallocated outputs when `out` is given."""
        a = self.X
        L = len(self.W)
        for l, (W, b, g) in enumerate(zip(self.W, self.b, self.net["act"])):
            z = torch.addmm(b, a, W.t(), out=out[l] if out is not None else None)
            if l == L - 1:
                return z
            if g == "relu":
                a = torch.relu_(z) if out is not None else torch.relu(z)
            elif g == "sigmoid":
                a = torch.sigmoid(z, out=z) if out is not None else torch.sigmoid(z)
            else:
                a = z

    def output(self, z):
        g = self.net["act"][-1]
        if g == "softmax":
            return torch.softmax(z, dim=1)
        if g == "sigmoid":
            return torch.sigmoid(z)
        if g == "relu":
            return torch.relu(z)
        return z

    def loss(self, z):
        """J = (1/m) sum over the batch; "mean" is that when there is one output (bce, mse) and
        always for cross_entropy, which averages over samples."""
        kind, one_output = self.net["loss"], self.net["units"][-1] == 1
        if kind == "ce":  # probabilities as targets: -(1/m) sum y log softmax(z)
            return F.cross_entropy(z, self.Y, reduction="mean")
        if kind == "bce":
            if one_output:
                return F.binary_cross_entropy_with_logits(z, self.Y, reduction="mean")
            return F.binary_cross_entropy_with_logits(z, self.Y, reduction="sum") * self.inv_m
        if one_output:
            return F.mse_loss(self.output(z), self.Y, reduction="mean")
        return F.mse_loss(self.output(z), self.Y, reduction="sum") * self.inv_m

    def forward(self):
        with torch.inference_mode():
            self.last_z = self.logits(self.outs)
            self.last_a = self.output(self.last_z)

    def cost(self):
        with torch.inference_mode():
            return float(self.loss(self.last_z))

    def train_step(self):
        J = self.loss(self.logits())
        grads = torch.autograd.grad(J, self.params)
        with torch.no_grad():
            for p, g in zip(self.params, grads):
                p.sub_(g, alpha=self.lr)
        return J

    def get_params(self):
        return torch.cat([p.detach().reshape(-1) for p in self.params]).double()


def median(values):
    values = sorted(values)
    n = len(values)
    return values[n // 2] if n % 2 else 0.5 * (values[n // 2 - 1] + values[n // 2])


def measure(run, reset, is_train):
    clock = time.perf_counter_ns
    reset()
    calls, start = 0, clock()
    while True:
        run()
        calls += 1
        elapsed = clock() - start
        if elapsed >= WARMUP_NS and calls >= 3:
            break
    per_call = elapsed / calls
    reps = int(SAMPLE_NS / per_call) + 1
    if is_train:
        reps = min(reps, TRAIN_REPS_MAX)
    samples = int(BUDGET_NS / (per_call * reps))
    samples = max(MIN_SAMPLES, min(MAX_SAMPLES, samples))
    times = []
    loop = range(reps)
    for _ in range(samples):
        reset()
        t0 = clock()
        for _ in loop:
            run()
        times.append((clock() - t0) / reps)
    return median(times), reps, samples


def run_net(data_dir, name, pass_no, label):
    directory = os.path.join(data_dir, name)
    net = read_net(directory)
    n0, nL, m = net["input"], net["units"][-1], net["batch"]
    params0 = read_floats(os.path.join(directory, "params0.f32"), net["params"])
    X = read_floats(os.path.join(directory, "X.f32"), n0 * m)
    Y = read_floats(os.path.join(directory, "Y.f32"), nL * m)
    t = TorchNet(net, params0, X, Y)

    t.set_params(params0)
    t.forward()
    J_forward = t.cost()
    t.set_params(params0)
    J_step = float(t.train_step())
    after = array.array("d", t.get_params().tolist())
    with open(os.path.join(directory, f"after.{label}.f64"), "wb") as f:
        after.tofile(f)
    print(f"check {label} {name} {J_forward:.9e} {J_step:.9e}", flush=True)

    def no_reset():
        pass

    def reset():
        t.set_params(params0)

    f_ns, f_reps, f_samples = measure(t.forward, no_reset, False)
    s_ns, s_reps, s_samples = measure(t.train_step, reset, True)
    print(f"result {label} {name} {pass_no} {f_ns:.1f} {s_ns:.1f} {f_reps} {s_reps} "
          f"{f_samples} {s_samples}", flush=True)


def main(argv):
    if len(argv) < 4:
        sys.exit("usage: bench_torch.py DATA_DIR PASS LABEL [NET...]")
    data_dir, pass_no, label, nets = argv[1], argv[2], argv[3], argv[4:]
    torch.set_num_threads(1)
    capability = [line.strip(" -") for line in torch.__config__.show().splitlines()
                  if "CPU capability" in line]
    print(f"info {label} PyTorch {torch.__version__}, {torch.get_num_threads()} thread(s), "
          f"Python {sys.version.split()[0]}, {capability[0] if capability else ''}", flush=True)
    for name in nets or ["xor", "seed3", "mlp", "reg"]:
        run_net(data_dir, name, pass_no, label)


if __name__ == "__main__":
    main(sys.argv)
