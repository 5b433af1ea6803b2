"""gradc's `make train` against PyTorch on the same data, network and training recipe.

    /usr/bin/python3 tests/train/compare_torch.py [--data DIR] [--epochs N] [--only NAME ...]
        [--gradc BIN] [--cc CC] [--cflags FLAGS] [--build DIR]

For each spec in SPECS (specs/<name>.lua on DIR's file; DIR defaults to the repository's data/), in
one run:

1. gradc: templates/train/train.sh generates the model, builds the driver and trains it; the
   driver also saves the initial weights (--save-init) and writes split.csv and <name>.scale.
2. PyTorch, twice, on the same split (reproduced here with the driver's splitmix64 and checked
   against split.csv), the same standardization (read from <name>.scale), the same batch order
   (the driver's shuffles, reproduced), architecture, loss, optimizer and hyperparameters, batch
   size and epochs: once starting from gradc's initial weights ("same init": only arithmetic can
   differ), once from PyTorch's own initializers for the spec's scheme ("own init": torch's RNG).
   The network is tests/torch/torch_model.py's, built from tests/torch/spec2json.lua's reading of
   the spec (the builder `make check-torch` tests layer by layer against the generated C), in the
   spec's dtype: dense, conv, pooling and batchnorm layers, and the spec's optimizer with its
   weight_decay.

Then prints a markdown table: held-out accuracy (RMSE in target units for regression) and the
training time of each. Times cover the train steps and the gathering of each batch, not the
evaluation after each epoch; both sides run on one thread (PyTorch: torch.set_num_threads(1),
OPENBLAS_NUM_THREADS=1), and PyTorch's batch order is computed before its clock starts.
"""
import argparse
import json
import os
import re
import struct
import subprocess
import sys
import time

import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "torch"))
sys.path.insert(0, os.path.join(ROOT, "tests", "train"))
import driver_files  # noqa: E402  pylint: disable=wrong-import-position
import torch_model  # noqa: E402  pylint: disable=wrong-import-position

# spec name (specs/<name>.lua), data file, targets file (in --data)
SPECS = [
    ("iris", "iris.csv", None),
    ("wine", "wine_data.csv", None),
    ("breast_cancer", "breast_cancer.csv", None),
    ("digits", "digits.csv", None),
    ("digits_cnn", "digits.csv", None),
    ("diabetes", "diabetes_data.csv", "diabetes_target.csv"),
]

MASK = (1 << 64) - 1
STREAM_SPLIT, STREAM_BATCHES = 0, 1


class Refused(Exception):
    """A check between the two sides failed: the comparison would not be of the same thing."""


# ---- runtime/hosted/rng.c, split.c and batches.c, reproduced -------------------------------------

class Rng:
    def __init__(self, seed, stream):
        self.state = (stream << 32 | seed) & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def below(self, n):
        threshold = ((1 << 64) - n) % n
        while True:
            x = self.next()
            if x >= threshold:
                return x % n

    def shuffle(self, items):
        for i in range(len(items), 1, -1):
            j = self.below(i)
            items[i - 1], items[j] = items[j], items[i - 1]


def make_split(count, percent, seed):
    n_val = (count * percent + 50) // 100
    order = list(range(count))
    Rng(seed, STREAM_SPLIT).shuffle(order)
    return sorted(order[n_val:]), sorted(order[:n_val])


def batch_orders(train, batch, epochs, seed):
    """Each epoch's full batches, as the driver's BATCHES_TRAIN iterator yields them."""
    rng, order, epochs_out = Rng(seed, STREAM_BATCHES), list(train), []
    steps = len(order) // batch
    for _ in range(epochs):
        rng.shuffle(order)
        epochs_out.append(torch.tensor(order[:steps * batch], dtype=torch.long).reshape(steps, batch))
    return epochs_out


# ---- files written by the gradc side -------------------------------------------------------------

def read_weights(path, count):
    """A gradc weights file (templates/model_io.c.in): header, parameters, checksum."""
    with open(path, "rb") as f:
        data = f.read()
    magic, _version, dtype, n, _arch = struct.unpack("<8sIIQQ", data[:32])
    if magic != b"GRADCWT\0" or n != count:
        raise Refused(f"{path}: not a weights file of {count} parameters")
    size, code = (4, "f") if dtype == 1 else (8, "d")
    return np.array(struct.unpack(f"<{n}{code}", data[32:32 + n * size]), dtype=np.float64)


def spec_description(spec):
    """The spec with its documented defaults and every layer's shapes (tests/torch/spec2json.lua)."""
    out = subprocess.run(["lua5.4", os.path.join(ROOT, "tests/torch/spec2json.lua"), spec],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def feature_count(shape):
    count = 1
    for extent in shape:
        count *= extent
    return count


# ---- the PyTorch side ----------------------------------------------------------------------------

WEIGHTED = (torch.nn.Linear, torch.nn.Conv1d, torch.nn.Conv2d)


def build_network(spec, dtype):
    """torch_model's network of the spec, in the spec's dtype: `body` ends in the last layer's z
    (the logits), `final` is the last activation, applied by the cost (from the logits for bce and
    ce, as the generated cost is) or by `output`."""
    network = torch_model.Network(spec)
    network.body.to(dtype)
    return network


def parameter_count(network):
    return sum(tensor.numel() for _, tensor, _ in network.tensors())


def set_weights(network, flat):
    """Every parameter and running statistic, from a flat array in <name>_params order."""
    network.load_flat(torch.from_numpy(flat))


def torch_init(network, scheme, seed):
    """PyTorch's own initializers for the spec's scheme; they take fan_in and fan_out from the
    weight's shape, which for a conv layer is (C/groups) and filters times the kernel positions."""
    torch.manual_seed(seed)
    with torch.no_grad():
        for layer in (m for m in network.body if isinstance(m, WEIGHTED)):
            if scheme == "xavier":
                torch.nn.init.xavier_uniform_(layer.weight)
            elif scheme == "he":
                torch.nn.init.kaiming_normal_(layer.weight, mode="fan_in", nonlinearity="relu")
            else:
                torch.nn.init.uniform_(layer.weight, -0.05, 0.05)
            if layer.bias is not None:
                layer.bias.zero_()


def output(network, z):
    return network.final(z) if network.final is not None else z


def metric(spec, network, X, Y, labels, target_scale):
    """On the held-out set in inference mode (batchnorm from its running statistics), as the
    driver evaluates with <name>_predict."""
    network.body.eval()
    with torch.no_grad():
        z = network.body(X).reshape(X.shape[0], -1)
        if spec["loss"] == "mse":
            err = (output(network, z) - Y) * torch.from_numpy(target_scale).to(z.dtype)
            return float(torch.sqrt(torch.mean(err.double() ** 2)))
        if z.shape[1] == 1:
            predicted = (z[:, 0] >= 0).long()
        else:
            predicted = torch.argmax(z, dim=1)
        return float((predicted == labels).double().mean())


def train_torch(network, data, orders):
    """The spec's optimizer over the trainable tensors, J as gradc defines it (docs/math.md,
    "Costs": sums over the outputs, divided by the batch), batchnorm in training mode."""
    X, Y = data["X_train"], data["Y_train"]
    opt = network.optimizer()
    network.body.train()
    seconds = 0.0
    for epoch in orders:
        start = time.perf_counter()
        for idx in epoch:
            xb, yb = X.index_select(0, idx), Y.index_select(0, idx)
            opt.zero_grad(set_to_none=True)
            z, a = network.logits_and_output(xb)
            network.cost(z, a, yb).backward()
            opt.step()
        seconds += time.perf_counter() - start
    return seconds


# ---- one data set --------------------------------------------------------------------------------

def run_gradc(args, name, data_path, targets_path, out):
    spec = os.path.join(ROOT, "specs", name + ".lua")
    init = os.path.join(out, name + ".init.bin")
    command = ["sh", os.path.join(ROOT, "templates/train/train.sh"), "--gradc", args.gradc, "--cc", args.cc,
               "--cflags", args.cflags, "--build", os.path.join(args.build, "drivers"), "--spec", spec,
               "--data", data_path, "--epochs", str(args.epochs), "--out", out]
    if targets_path:
        command += ["--targets", targets_path]
    command += ["--", "--save-init", init]
    run = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    with open(os.path.join(out, name + ".log"), "w") as log:
        log.write(run.stdout + run.stderr)
    if run.returncode != 0:
        raise Refused(f"{name}: make train failed:\n{run.stderr}")
    result = re.search(r"^result: .*train_seconds=(\S+) .*val_(accuracy|rmse)=(\S+)$", run.stdout, re.M)
    return spec, init, float(result.group(1)), float(result.group(3))


def prepare_data(spec, name, data_path, targets_path, model_dir):
    regression = spec["loss"] == "mse"
    n_in, n_out = feature_count(spec["input"]), feature_count(spec["layers"][-1]["output"])
    try:
        # a spec with standardize = true standardizes inside the network (input_mean, input_inv_scale)
        x, y, driver_split, (features, targets) = driver_files.driver_rows(
            data_path, targets_path, model_dir, name, standardize=not spec.get("standardize"))
    except driver_files.Malformed as error:
        raise Refused(str(error)) from error
    if len(features) != n_in:
        raise Refused(f"{name}: the driver's scale file has {len(features)} features, the spec {n_in} inputs")
    train, val = make_split(len(x), 20, 1)
    if (train, val) != driver_split:
        raise Refused(f"{name}: the reproduced split differs from the driver's split.csv")
    target_scale = np.ones(n_out)
    if regression:
        y = (y - targets[:, 0]) / targets[:, 1]
        target_scale = targets[:, 1]
        labels = None
    else:
        labels = y[:, 0].astype(np.int64)
        y = np.eye(n_out)[labels] if n_out > 1 else y
    dtype = torch.float64 if spec["dtype"] == "double" else torch.float32
    as_tensor = lambda a: torch.from_numpy(np.ascontiguousarray(a)).to(dtype)
    # A row's features are in flatten order, (c, y, x), so a reshape gives (m, C, H, W).
    as_input = lambda a: as_tensor(a).reshape((len(a),) + tuple(spec["input"]))
    data = {"X_train": as_input(x), "Y_train": as_tensor(y), "dtype": dtype, "train": train,
            "X_val": as_input(x[val]), "Y_val": as_tensor(y[val]),
            "labels_val": torch.from_numpy(labels[val]) if labels is not None else None,
            "target_scale": target_scale, "features": features, "targets": targets}
    return data


def set_standardization(network, features):
    """The training split's statistics into the network's Standardize buffers, as make train
    fills input_mean and input_inv_scale (1 / scale rounded to the model's dtype)."""
    with torch.no_grad():
        for module in network.body:
            if isinstance(module, torch_model.Standardize):
                dtype = module.input_mean.dtype
                module.input_mean.copy_(torch.from_numpy(features[:, 0]).to(dtype))
                module.input_inv_scale.copy_(torch.from_numpy(1.0 / features[:, 1]).to(dtype))


def fold_targets(network, flat, targets):
    """make train's fold of a standardized regression target into the linear last layer, on a
    flat copy of the network's parameters: W *= scale, b = b * scale + mean per output."""
    last = [m for m in network.body if isinstance(m, torch.nn.Linear)][-1]
    offset = 0
    for _, tensor, _ in network.tensors():
        if tensor is last.weight:
            rows = flat[offset:offset + tensor.numel()].reshape(tensor.shape)
            rows *= targets[:, 1:2]
        elif tensor is last.bias:
            flat[offset:offset + tensor.numel()] = flat[offset:offset + tensor.numel()] * targets[:, 1] + targets[:, 0]
        offset += tensor.numel()
    return flat


def compare(args, name, data_file, targets_file):
    out = os.path.join(args.build, "models")
    data_path = os.path.join(args.data, data_file)
    targets_path = os.path.join(args.data, targets_file) if targets_file else None
    spec_path, init_path, gradc_seconds, gradc_metric = run_gradc(args, name, data_path, targets_path, out)
    spec = spec_description(spec_path)
    data = prepare_data(spec, name, data_path, targets_path, os.path.join(out, name))
    orders = batch_orders(data["train"], spec["batch"], args.epochs, 1)

    results = {}
    for label in ("same", "own"):
        network = build_network(spec, data["dtype"])
        if label == "same":
            set_weights(network, read_weights(init_path, parameter_count(network)))
        else:
            torch_init(network, spec["init"]["scheme"], spec["init"]["seed"])
            set_standardization(network, data["features"])
        seconds = train_torch(network, data, orders)
        results[label] = (metric(spec, network, data["X_val"], data["Y_val"], data["labels_val"],
                                 data["target_scale"]), seconds)
        if label == "same":
            # How far apart the two trainings ended, parameter by parameter (running statistics
            # included: they are in the weights file).
            trained = network.flat().double().numpy()
            if spec.get("standardize") and spec["loss"] == "mse":
                trained = fold_targets(network, trained.copy(), data["targets"])
            final = read_weights(os.path.join(out, name, name + ".bin"), trained.size)
            if spec.get("standardize"):  # the statistics, equal on both sides, are not compared
                statistics = 2 * feature_count(spec["input"])
                trained, final = trained[statistics:], final[statistics:]
            results["drift"] = float(np.max(np.abs(final - trained)) / np.max(np.abs(trained)))
    return spec, gradc_metric, gradc_seconds, results, len(data["train"]), len(data["Y_val"])


def describe_layer(layer):
    """A layer as a short token: a dense layer by its width, the others by type and geometry."""
    kind = layer["type"]
    size = lambda values: "x".join(str(v) for v in values)
    # A stride or padding the same in every dimension, as one number.
    amount = lambda values: str(values[0]) if len(set(values)) == 1 else size(values)
    if kind == "dense":
        return str(layer["units"])
    if kind in ("conv1d", "conv2d"):
        token = f"conv{layer['filters']}@{size(layer['kernel'])}"
        if any(s != 1 for s in layer["stride"]):
            token += f"/s{amount(layer['stride'])}"
        if layer["padding"] == "same" or any(p != 0 for p in layer["padding"]):
            token += "/same" if layer["padding"] == "same" else f"/p{amount(layer['padding'])}"
        if layer["groups"] != 1:
            token += f"/g{layer['groups']}"
        return token
    if kind.endswith(("pool1d", "pool2d")):
        token = f"{kind[:-2]}{size(layer['kernel'])}"
        return token + (f"/s{amount(layer['stride'])}" if layer["stride"] != layer["kernel"] else "")
    return {"batchnorm": "bn", "global_avgpool": "gap", "flatten": "flatten"}[kind]


def describe(spec, epochs):
    """E.g. 64-32-10 relu/softmax: the input's shape, each layer, then the activations of the
    layers that have one."""
    widths = "-".join(["x".join(str(v) for v in spec["input"])] +
                      [describe_layer(layer) for layer in spec["layers"]])
    acts = "/".join(layer["activation"] for layer in spec["layers"] if "activation" in layer)
    o = spec["optimizer"]
    decay = f" wd {o['weight_decay']:g}" if o["weight_decay"] else ""
    return (f"{widths} {acts}, {spec['loss']}, {o['type']} {o['lr']:g}{decay}, "
            f"batch {spec['batch']}, {epochs} epochs")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default=os.path.join(ROOT, "data"))
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--gradc", default="gen/build/gradc")
    parser.add_argument("--cc", default="cc")
    parser.add_argument("--cflags", default="-O2 -march=native")
    parser.add_argument("--build", default=os.path.join(ROOT, "tests/build/train-table"))
    args = parser.parse_args()
    torch.set_num_threads(1)
    os.makedirs(os.path.join(args.build, "models"), exist_ok=True)

    rows = []
    for name, data_file, targets_file in SPECS:
        if args.only and name not in args.only:
            continue
        print(f"train-table: {name} ...", file=sys.stderr, flush=True)
        try:
            rows.append((name,) + compare(args, name, data_file, targets_file))
        except Refused as e:
            sys.exit(f"train-table: {e}")

    print(f"torch {torch.__version__}, one thread; gradc built with {args.cc} {args.cflags}; "
          f"20% held out (seed 1), features standardized on the training split. 'weights apart': the "
          f"largest difference between gradc's and PyTorch's (same init) final parameters, relative to "
          f"the largest parameter.\n")
    print("| data set | network | held-out metric | gradc | PyTorch, same init | PyTorch, own init "
          "| gradc − PyTorch (same init) | weights apart | gradc train time | PyTorch train time |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, spec, g_metric, g_seconds, results, n_train, n_val in rows:
        (same, same_s), (own, _) = results["same"], results["own"]
        if spec["loss"] == "mse":
            kind, shown = "RMSE", lambda v: f"{v:.2f}"
            diff = f"{round(g_metric - same, 6) + 0.0:+.2f}"
        else:
            kind, shown = f"accuracy ({n_val} samples)", lambda v: f"{100 * v:.2f}%"
            diff = f"{round(100 * (g_metric - same), 6) + 0.0:+.2f} points"
        print(f"| {name} | {describe(spec, args.epochs)} | {kind} | {shown(g_metric)} "
              f"| {shown(same)} | {shown(own)} | {diff} | {results['drift']:.1e} | {g_seconds * 1e3:.1f} ms "
              f"| {same_s * 1e3:.0f} ms |")


if __name__ == "__main__":
    main()
