"""PyTorch eager on the conv benchmark nets, with the protocol of tests/bench/conv/conv_harness.c.

    /usr/bin/python3 tests/bench/conv/bench_torch_conv.py DATA_DIR PASS LABEL [NET]

Reads DATA_DIR/<net>/{params0,X,Y}.f32 (written by the gradc program's --prep), writes
DATA_DIR/<net>/out.LABEL.f32 and after.LABEL.f64, and prints the check/result/info lines.

Each net is the nn.Sequential a PyTorch user would write, float32, NCHW (NCL) batch first, one
thread. The data arrive batch last and are transposed once, before anything is timed. forward
runs the module under torch.inference_mode and takes the softmax; the train step is the usual
loop: optimizer.zero_grad(), the module in training mode, F.cross_entropy on the logits (the
same J as ce on the softmax output), loss.backward(), torch.optim.SGD(lr=0.01).step(). No layer
here behaves differently in eval mode, so the module stays in its default (training) mode.

Run it with OMP_NUM_THREADS=1 and OPENBLAS_NUM_THREADS=1 (run.sh does): Debian's torch calls
the system BLAS, whose threads torch.set_num_threads does not govern.
"""
import array
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

WARMUP_NS = 20e6
RUN_NS = 2e6
RUNS = 41
LR = 0.01


def cnn8():
    return nn.Sequential(
        nn.Conv2d(1, 8, 3, stride=1, padding=1), nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=0), nn.ReLU(),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(),
        nn.Linear(16, 10))


def kws():
    return nn.Sequential(
        nn.Conv1d(40, 64, 3, stride=1, padding=1), nn.ReLU(),
        nn.Conv1d(64, 64, 3, stride=2, padding=1), nn.ReLU(),
        nn.Conv1d(64, 64, 3, stride=1, padding=1), nn.ReLU(),
        nn.AdaptiveAvgPool1d(1), nn.Flatten(),
        nn.Linear(64, 12))


# name: (module, batch, input shape per sample, classes)
NETS = {
    "cnn8": (cnn8, 32, (1, 8, 8), 10),
    "kws": (kws, 16, (40, 49), 12),
}


def read_floats(path, count):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        sys.exit(f"bench_torch_conv: cannot open {path}: {e.strerror} (run --prep first)")
    if len(data) != 4 * count:
        sys.exit(f"bench_torch_conv: {path}: expected exactly {count} floats")
    return torch.frombuffer(bytearray(data), dtype=torch.float32)


def write(path, values, typecode):
    with open(path, "wb") as f:
        array.array(typecode, values.reshape(-1).tolist()).tofile(f)


class TorchNet:
    def __init__(self, name, directory):
        make, m, shape, classes = NETS[name]
        self.model = make()
        self.params = list(self.model.parameters())
        count = sum(p.numel() for p in self.params)
        features = 1
        for d in shape:
            features *= d
        self.params0 = read_floats(os.path.join(directory, "params0.f32"), count)
        X = read_floats(os.path.join(directory, "X.f32"), features * m)
        Y = read_floats(os.path.join(directory, "Y.f32"), classes * m)
        # Batch last (features x m) -> batch first (m, C, H, W) / (m, C, L).
        self.X = X.reshape(features, m).t().contiguous().reshape(m, *shape)
        self.Y = Y.reshape(classes, m).t().contiguous()
        self.target = self.Y.argmax(dim=1)  # Y is one-hot: class indices give the same J
        self.optimizer = torch.optim.SGD(self.params, lr=LR)
        self.set_params()

    def set_params(self):
        with torch.no_grad():
            offset = 0
            for p in self.params:  # nn.Sequential's order is net_params order: W1, b1, ...
                p.copy_(self.params0[offset:offset + p.numel()].reshape(p.shape))
                offset += p.numel()

    def forward(self):
        with torch.inference_mode():
            self.last_logits = self.model(self.X)
            self.last_output = torch.softmax(self.last_logits, dim=1)

    def cost(self):
        with torch.inference_mode():
            return float(F.cross_entropy(self.last_logits, self.target))

    def train_step(self):
        self.optimizer.zero_grad()
        loss = F.cross_entropy(self.model(self.X), self.target)
        loss.backward()
        self.optimizer.step()
        return loss

    def get_params(self):
        return torch.cat([p.detach().reshape(-1) for p in self.params]).double()


def measure(run):
    clock = time.perf_counter_ns
    calls, start = 0, clock()
    while True:
        run()
        calls += 1
        elapsed = clock() - start
        if elapsed >= WARMUP_NS and calls >= 3:
            break
    reps = int(RUN_NS / (elapsed / calls)) + 1
    loop = range(reps)
    times = []
    for _ in range(RUNS):
        t0 = clock()
        for _ in loop:
            run()
        times.append((clock() - t0) / reps)
    times.sort()
    return times[RUNS // 2], reps


def run_net(data_dir, name, pass_no, label):
    directory = os.path.join(data_dir, name)
    t = TorchNet(name, directory)
    t.forward()
    J_forward = t.cost()
    write(os.path.join(directory, f"out.{label}.f32"), t.last_output.t().contiguous(), "f")
    t.set_params()
    J_step = float(t.train_step())
    write(os.path.join(directory, f"after.{label}.f64"), t.get_params(), "d")
    print(f"check {label} {name} {J_forward:.9g} {J_step:.9g}", flush=True)

    t.set_params()
    f_ns, f_reps = measure(t.forward)
    s_ns, s_reps = measure(t.train_step)
    print(f"result {label} {name} {pass_no} {f_ns:.1f} {s_ns:.1f} {f_reps} {s_reps}", flush=True)


def main(argv):
    if len(argv) not in (4, 5):
        sys.exit("usage: bench_torch_conv.py DATA_DIR PASS LABEL [NET]")
    data_dir, pass_no, label = argv[1], argv[2], argv[3]
    names = argv[4:] or list(NETS)
    for name in names:
        if name not in NETS:
            sys.exit(f"bench_torch_conv: {name}: no such net (nets: {', '.join(NETS)})")
    torch.set_num_threads(1)
    capability = [line.strip(" -") for line in torch.__config__.show().splitlines()
                  if "CPU capability" in line]
    mkldnn = "available" if torch.backends.mkldnn.is_available() else "not built in"
    print(f"info {label} PyTorch {torch.__version__}, {torch.get_num_threads()} thread(s), "
          f"Python {sys.version.split()[0]}, {capability[0] if capability else ''}, "
          f"mkldnn {mkldnn}", flush=True)
    for name in names:
        run_net(data_dir, name, pass_no, label)


if __name__ == "__main__":
    main(sys.argv)
