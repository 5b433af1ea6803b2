"""/usr/bin/python3 tests/cross/test_torch2gradc.py GRADC BUILD_DIR CC: gen/tools/torch2gradc.py.

For three specs (float and double; tanh, sigmoid, relu, leaky_relu with alpha, softmax, linear):
build the matching torch nn.Sequential, save its state_dict, convert it, and check that
- the generator accepts the file (`gradc --check --weights`: its own hash, count and checksum check),
- the generated <name>_load reads it and <name>_predict agrees with torch to 1e-5,
- <name>_save writes back exactly the bytes the converter wrote,
- the same weights as W1.npy b1.npy ... convert to the same bytes (when numpy imports).
Then refusals: wrong shapes, layer counts, bias-less or non-Linear layers, missing or non-finite
arrays each fail with one clear line and write nothing.

Conv1d, Conv2d (grouped, depthwise, bias=False) and BatchNorm1d/2d state_dicts (running statistics
moved away from their initial values by forward passes in training mode) convert against the
headers gradc generates, at test time, for the same-named specs in tests/torch/specs/: every byte
of the file is checked against the tensors in the order the header's struct gives (read
independently here), the generator accepts the file (`gradc --check --weights`), <name>_load
reads it and <name>_predict (inference mode: the running statistics) agrees with the torch
model in eval mode, and the .npy route gives the same bytes; refusals name the module and the
tensor. Headers the converter must refuse are made from a generated one, edited here.
Run from the project root.
"""
import contextlib
import importlib.util
import io
import os
import re
import shutil
import stat
import struct
import subprocess
import sys

import torch

ROOT = os.getcwd()
CONVERTER = os.path.join(ROOT, "gen", "tools", "torch2gradc.py")
STRICT = ["-std=c99", "-O2", "-Wall", "-Wextra", "-Wpedantic", "-Wconversion", "-Wshadow", "-Werror"]
TOLERANCE = 1e-5

try:
    import numpy
except ImportError:
    numpy = None

passed = []
failed = []


def check(label, ok, detail=""):
    (passed if ok else failed).append(label)
    print("  %s %s%s" % ("ok  " if ok else "FAIL", label, (": " + detail) if detail and not ok else ""))


def run(command, stdin=None):
    return subprocess.run(command, input=stdin, capture_output=True, text=True, check=False)


def load_converter():
    spec = importlib.util.spec_from_file_location("torch2gradc", CONVERTER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TORCH2GRADC = load_converter()


def convert(arch_args, source_args, output, in_process=True):
    """Run the converter: in this process (torch is imported once, not per call), or as the
    command a user runs."""
    argv = arch_args + source_args + ["-o", output]
    if not in_process:
        return run([sys.executable, CONVERTER] + argv)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = TORCH2GRADC.main(argv)
    return subprocess.CompletedProcess(argv, status, out.getvalue(), err.getvalue())


def build_loader(gradc, work, spec, cc):
    """Generate the spec and compile load_predict against it; returns (header, program)."""
    gen = os.path.join(work, "gen")
    result = run([gradc, "--out", gen, spec])
    if result.returncode != 0:
        raise SystemExit("test_torch2gradc: gradc failed on %s: %s" % (spec, result.stderr))
    name = os.path.basename(spec)[:-4]
    folder = os.path.join(gen, name)
    program = os.path.join(work, "load_predict_" + name)
    result = run([cc] + STRICT + ["-DMODEL=" + name, "-DMODEL_UPPER=" + name.upper(),
                                  '-DMODEL_HEADER="%s.h"' % name, "-I" + folder, "-Itests/cross",
                                  "tests/cross/load_predict.c", os.path.join(folder, name + ".c"),
                                  os.path.join(folder, name + "_io.c"), "-o", program, "-lm"])
    if result.returncode != 0:
        raise SystemExit("test_torch2gradc: cannot build load_predict: %s" % result.stderr)
    return os.path.join(folder, name + ".h"), program


def compare_predictions(label, program, weights, model, dtype, inputs, input_shape=None):
    """inputs: (samples, features); input_shape: the model's input without the batch, when it is
    not flat (the features are in torch.flatten's order, so a reshape gives it)."""
    resaved = weights + ".resaved"
    text = "\n".join(" ".join(repr(float(v)) for v in row) for row in inputs.tolist()) + "\n"
    result = run([program, weights, resaved], stdin=text)
    if result.returncode != 0:
        check(label + ": <name>_load reads the file", False, result.stderr.strip())
        return
    got = [[float(v) for v in line.split()] for line in result.stdout.splitlines()]
    model.eval()  # <name>_predict is inference mode
    with torch.no_grad():
        batch = inputs.to(dtype)
        if input_shape is not None:
            batch = batch.reshape((-1,) + tuple(input_shape))
        want = model(batch).reshape(len(inputs), -1).tolist()
    worst = max(abs(g - w) / max(1.0, abs(w)) for gr, wr in zip(got, want) for g, w in zip(gr, wr))
    check(label + ": predict agrees with torch (largest difference %.2g)" % worst,
          len(got) == len(want) and worst <= TOLERANCE, "largest difference %.3g" % worst)
    with open(weights, "rb") as a, open(resaved, "rb") as b:
        check(label + ": <name>_save writes back the same bytes", a.read() == b.read())


def save_npy(model, folder, dtype):
    os.makedirs(folder, exist_ok=True)
    linears = [m for m in model if isinstance(m, torch.nn.Linear)]
    for l, layer in enumerate(linears, start=1):
        weight = layer.weight.detach().numpy().astype(dtype)
        bias = layer.bias.detach().numpy().astype(dtype)
        if l == 1:
            bias = bias.reshape(-1, 1)  # the seeds' column-vector bias is accepted too
        numpy.save(os.path.join(folder, "W%d.npy" % l), weight)
        numpy.save(os.path.join(folder, "b%d.npy" % l), bias)


def convert_case(gradc, cc, build, spec, model, dtype):
    name = os.path.basename(spec)[:-4]
    work = os.path.join(build, name)
    os.makedirs(work, exist_ok=True)
    header, program = build_loader(gradc, work, spec, cc)
    state = os.path.join(work, "model.pt")
    torch.save(model.state_dict(), state)
    weights = os.path.join(work, "from_torch.bin")
    result = convert(["--spec", spec, "--gradc", gradc], ["--state-dict", state], weights,
                     in_process=name != "xor")
    check(name + ": state_dict converts" + (" (as a command)" if name == "xor" else ""),
          result.returncode == 0, result.stderr.strip())
    if result.returncode != 0:
        return
    result = run([gradc, "--check", "--weights", weights, spec])
    check(name + ": gradc --weights accepts the file", result.returncode == 0, result.stderr.strip())
    torch.manual_seed(1)
    inputs = torch.rand(16, model[0].in_features, dtype=torch.float64) * 4 - 2
    # the C side gets the inputs rounded to its real type, so torch must see the same values
    inputs = inputs.to(dtype).to(torch.float64)
    compare_predictions(name, program, weights, model, dtype, inputs)
    if numpy is None:
        print("  skip %s: numpy path (numpy does not import)" % name)
        return
    folder = os.path.join(work, "npy")
    save_npy(model, folder, numpy.float32 if dtype == torch.float32 else numpy.float64)
    from_npy = os.path.join(work, "from_npy.bin")
    result = convert(["--header", header], ["--npy", folder], from_npy)
    same = result.returncode == 0 and open(from_npy, "rb").read() == open(weights, "rb").read()
    check(name + ": .npy arrays convert to the same bytes", same, result.stderr.strip())
    # the file's mode: the umask's for a new file, its own for a replaced one; a link stays one
    fresh, real = os.path.join(work, "fresh.bin"), os.path.join(work, "real.bin")
    for old in (fresh, real):
        if os.path.lexists(old):
            os.remove(old)
    umask = os.umask(0o022)
    try:
        result = convert(["--header", header], ["--npy", folder], fresh)
    finally:
        os.umask(umask)
    check(name + ": a new weights file gets the umask's mode (0644 under 022)",
          result.returncode == 0 and stat.S_IMODE(os.stat(fresh).st_mode) == 0o644,
          result.stderr.strip() + oct(stat.S_IMODE(os.stat(fresh).st_mode)))
    os.chmod(fresh, 0o640)
    os.replace(fresh, real)
    os.symlink("real.bin", fresh)
    result = convert(["--header", header], ["--npy", folder], fresh)
    check(name + ": a replaced weights file keeps its mode, a symbolic link stays one",
          result.returncode == 0 and os.path.islink(fresh) and stat.S_IMODE(os.stat(real).st_mode) == 0o640
          and open(real, "rb").read() == open(weights, "rb").read(), result.stderr.strip())


def refusal(build, label, arch_args, source_args, expect):
    output = os.path.join(build, "refused.bin")
    if os.path.exists(output):
        os.remove(output)
    result = convert(arch_args, source_args, output)
    lines = result.stderr.strip().splitlines()
    ok = (result.returncode == 1 and len(lines) == 1 and lines[0].startswith("torch2gradc: ")
          and expect in lines[0] and not os.path.exists(output))
    check("refuses %s (%s)" % (label, lines[0] if lines else "no message"), ok,
          "status %d, stderr %r" % (result.returncode, result.stderr))


def refusals(gradc, build):
    spec = ["--spec", "specs/xor.lua", "--gradc", gradc]
    cases = [
        ("a wrong width", torch.nn.Sequential(torch.nn.Linear(2, 5), torch.nn.Tanh(),
                                               torch.nn.Linear(5, 1)), "W1 of spec xor is [4, 2]"),
        ("a layer too many", torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.Tanh(),
                                                  torch.nn.Linear(4, 4), torch.nn.Linear(4, 1)),
         "3 modules with parameters ('0' (Linear), '2' (Linear), '3' (Linear)), but spec xor has 2 layers with parameters (1: W1[4][2] b1[4]; 2: W2[1][4] b2[1])"),
        ("a BatchNorm where the spec has a dense layer",
         torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.BatchNorm1d(4)),
         "module '1' (BatchNorm) is matched with layer 2 of spec xor, which is a dense or conv layer"),
    ]
    for label, model, expect in cases:
        state = os.path.join(build, "bad.pt")
        torch.save(model.state_dict(), state)
        refusal(build, label, spec, ["--state-dict", state], expect)
    nan_model = torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.Tanh(), torch.nn.Linear(4, 1))
    with torch.no_grad():
        nan_model[2].bias[0] = float("nan")
    state = os.path.join(build, "nan.pt")
    torch.save(nan_model.state_dict(), state)
    refusal(build, "a NaN", spec, ["--state-dict", state], "must be finite")
    torch.save({"w": [1, 2]}, state)
    refusal(build, "a file that is no state_dict", spec, ["--state-dict", state], "not a state_dict")
    # -o naming the state_dict itself would replace it
    good = os.path.join(build, "good.pt")
    torch.save(torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.Tanh(), torch.nn.Linear(4, 1)).state_dict(), good)
    with open(good, "rb") as f:
        original = f.read()
    result = convert(spec, ["--state-dict", good], good)
    with open(good, "rb") as f:
        kept = f.read() == original
    want = "torch2gradc: -o %s is the --state-dict file itself, which writing it would replace\n" % good
    check("refuses -o naming the --state-dict file, which it leaves as it was", result.returncode == 1
          and result.stderr == want and kept, "status %d, stderr %r" % (result.returncode, result.stderr))
    # -o in a folder that does not exist (good.pt itself converts): one line, no traceback
    missing = os.path.join(build, "no_such_folder", "w.bin")
    result = convert(spec, ["--state-dict", good], missing)
    check("refuses -o in a missing folder with one line", result.returncode == 1
          and result.stderr.startswith("torch2gradc: [Errno 2] No such file or directory")
          and result.stderr.count("\n") == 1, "status %d, stderr %r" % (result.returncode, result.stderr))
    # a spec with standardize = true (specs/digits.lua): a state_dict has no input statistics
    digits = torch.nn.Sequential(torch.nn.Linear(64, 32), torch.nn.ReLU(), torch.nn.Linear(32, 10))
    torch.save(digits.state_dict(), state)
    refusal(build, "a spec with standardize = true", ["--spec", "specs/digits.lua", "--gradc", gradc],
            ["--state-dict", state], "specs/digits.lua: spec digits has standardize = true, and a PyTorch "
            "model carries no input_mean and input_inv_scale (expected a spec without standardize; "
            "make train fills them)")
    if numpy is not None:
        folder = os.path.join(build, "npy_missing")
        os.makedirs(folder, exist_ok=True)
        numpy.save(os.path.join(folder, "W1.npy"), numpy.zeros((4, 2), numpy.float32))
        refusal(build, "a missing array", spec, ["--npy", folder], "b1.npy: missing")
        # -o naming one of the --npy arrays would replace it
        target = os.path.join(folder, "W1.npy")
        with open(target, "rb") as f:
            original = f.read()
        result = convert(spec, ["--npy", folder], target)
        with open(target, "rb") as f:
            kept = f.read() == original
        want = "torch2gradc: -o %s is one of the --npy arrays in %s, which writing it would replace\n" % (
            target, folder)
        check("refuses -o naming one of the --npy arrays, which it leaves as it was",
              result.returncode == 1 and result.stderr == want and kept,
              "status %d, stderr %r" % (result.returncode, result.stderr))


# ---- conv and batchnorm, against the headers gradc generates for tests/torch/specs/ --------------

SPECS = os.path.join("tests", "torch", "specs")  # relative: shorter messages


def fnv1a64(data):
    value = 0xCBF29CE484222325
    for byte in data:
        value = ((value ^ byte) * 0x100000001B3) & ((1 << 64) - 1)
    return value


def conv_models():
    """(spec name, model, the state_dict keys in <name>_params order, dtype, input shape), each
    model tests/torch/specs/<name>.lua's network as PyTorch modules; the comments give the
    members each module fills."""
    nn = torch.nn
    return [
        ("conv1d_bn_same", nn.Sequential(
            nn.Conv1d(3, 4, 3, padding="same", dilation=2, bias=False),  # W1[4][3][3]
            nn.BatchNorm1d(4), nn.ReLU(),  # gamma2 beta2 mean2 var2 [4]
            nn.AvgPool1d(2), nn.Flatten(), nn.Linear(20, 3), nn.Softmax(dim=1)),  # W4[3][20] b4[3]
         ["0.weight", "1.weight", "1.bias", "1.running_mean", "1.running_var", "5.weight",
          "5.bias"], torch.float32, (3, 10)),
        ("conv2d_groups", nn.Sequential(
            nn.Conv2d(4, 4, (3, 2), stride=(2, 1), groups=2), nn.LeakyReLU(0.1),  # W1[4][2][3][2] b1
            nn.Conv2d(4, 4, 1, groups=4, bias=False),  # depthwise: W2[4][1][1][1]
            nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4, 2)).double(),  # W4[2][4] b4[2]
         ["0.weight", "0.bias", "2.weight", "5.weight", "5.bias"], torch.float64, (4, 5, 5)),
        ("conv2d_bn", nn.Sequential(
            nn.Conv2d(2, 3, 3, padding="same", bias=False),  # W1[3][2][3][3]
            nn.BatchNorm2d(3), nn.ReLU(),  # gamma2 beta2 mean2 var2 [3]
            nn.AvgPool2d(2), nn.Flatten(), nn.Linear(27, 2), nn.Softmax(dim=1)),  # W4[2][27] b4[2]
         ["0.weight", "1.weight", "1.bias", "1.running_mean", "1.running_var",
          "5.weight", "5.bias"], torch.float32, (2, 6, 6)),
        ("dense_bn", nn.Sequential(
            nn.Linear(5, 6), nn.BatchNorm1d(6, eps=1e-3, momentum=0.2), nn.Tanh(),
            nn.Linear(6, 1), nn.Sigmoid()).double(),  # W1 b1, gamma2 beta2 mean2 var2, W3 b3
         ["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var",
          "3.weight", "3.bias"], torch.float64, (5,)),
    ]


def trained_state(model, input_shape, dtype):
    """The model's state_dict after forward passes in training mode, so that the running
    statistics (and gamma, beta, set at random) are not the defaults a wrong mapping could hit."""
    torch.manual_seed(3)
    with torch.no_grad():
        for module in model:
            if isinstance(module, (torch.nn.BatchNorm1d, torch.nn.BatchNorm2d)) and module.affine:
                module.weight.uniform_(0.5, 1.5)
                module.bias.uniform_(-0.5, 0.5)
        model.train()
        for _ in range(3):
            model(torch.randn((6,) + input_shape, dtype=dtype) * 2 + 0.5)
    return model.state_dict()


def header_facts(path):
    """dtype, count and hash of a header, read here independently of the converter."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    dtype = re.search(r"^typedef (float|double) ", text, re.M).group(1)
    count = int(re.search(r"_PARAM_COUNT (\d+)", text).group(1))
    arch_hash = int(re.search(r"_ARCH_HASH\s+UINT64_C\(0x([0-9a-f]+)\)", text).group(1), 16)
    return dtype, count, arch_hash


def expected_file(path, state, keys):
    dtype, count, arch_hash = header_facts(path)
    code = "f" if dtype == "float" else "d"
    values = []
    for key in keys:
        values.extend(state[key].to(torch.float64).reshape(-1).tolist())
    data = (b"GRADCWT\0" + struct.pack("<IIQQ", 1, 1 if dtype == "float" else 2, count, arch_hash)
            + struct.pack("<%d%s" % (len(values), code), *values))
    return data + struct.pack("<Q", fnv1a64(data)), len(values) == count


def generated_header(gradc, build, fixture):
    """The header gradc generates for tests/torch/specs/<fixture>.lua (no program built)."""
    gen = os.path.join(build, "headers")
    result = run([gradc, "--out", gen, os.path.join(SPECS, fixture + ".lua")])
    if result.returncode != 0:
        raise SystemExit("test_torch2gradc: gradc failed on %s: %s" % (fixture, result.stderr))
    return os.path.join(gen, fixture, fixture + ".h")


def conv_cases(gradc, cc, build):
    for fixture, model, keys, dtype, input_shape in conv_models():
        spec = os.path.join(SPECS, fixture + ".lua")
        work = os.path.join(build, "conv_" + fixture)
        os.makedirs(work, exist_ok=True)
        header, program = build_loader(gradc, work, spec, cc)
        state = trained_state(model, input_shape, dtype)
        moved = [k for k in keys if "running" in k]
        if moved:
            check(fixture + ": the running statistics moved from 0 and 1 before saving",
                  all(not torch.equal(state[k], torch.zeros_like(state[k])) and
                      not torch.equal(state[k], torch.ones_like(state[k])) for k in moved))
        path = os.path.join(work, "model.pt")
        torch.save(state, path)
        weights = os.path.join(work, "from_torch.bin")
        result = convert(["--header", header], ["--state-dict", path], weights)
        check(fixture + ": state_dict converts", result.returncode == 0, result.stderr.strip())
        if result.returncode != 0:
            continue
        want, complete = expected_file(header, state, keys)
        got = open(weights, "rb").read()
        check(fixture + ": every tensor is in the file, in struct order, with the header's hash",
              complete and got == want, "%d bytes, expected %d" % (len(got), len(want)))
        result = run([gradc, "--check", "--weights", weights, spec])
        check(fixture + ": gradc --weights accepts the file", result.returncode == 0,
              result.stderr.strip())
        torch.manual_seed(1)
        features = 1
        for extent in input_shape:
            features *= extent
        inputs = (torch.rand(16, features, dtype=torch.float64) * 4 - 2).to(dtype).to(torch.float64)
        compare_predictions(fixture, program, weights, model, dtype, inputs, input_shape)
        if numpy is None:
            print("  skip %s: numpy path (numpy does not import)" % fixture)
            continue
        folder = os.path.join(work, "npy")
        os.makedirs(folder, exist_ok=True)
        for member, key in zip(member_names(header), keys):
            numpy.save(os.path.join(folder, member + ".npy"), state[key].numpy())
        from_npy = os.path.join(work, "from_npy.bin")
        result = convert(["--header", header], ["--npy", folder], from_npy)
        same = result.returncode == 0 and open(from_npy, "rb").read() == got
        check(fixture + ": .npy arrays (gamma2.npy, ...) convert to the same bytes", same,
              result.stderr.strip())


def implied_cases(gradc, cc, build):
    """Modules without a tensor the spec's layer has, where the module computes what the layer
    does with a fixed value of it: nn.Linear(bias=False) is a dense layer with a zero bias,
    BatchNorm(affine=False) a batchnorm with gamma 1 and beta 0, and a 1x1 Conv on the global
    pool's [C, 1, 1] output a dense layer (grouped: zero outside each group's block). Each
    converts, and the file predicts what the torch model does."""
    nn = torch.nn
    torch.manual_seed(4)
    cases = [
        ("xor", nn.Sequential(nn.Linear(2, 4, bias=False), nn.Tanh(), nn.Linear(4, 1), nn.Sigmoid()),
         (2,), torch.float32),
        ("conv1d_bn_same", nn.Sequential(
            nn.Conv1d(3, 4, 3, padding="same", dilation=2, bias=False), nn.BatchNorm1d(4, affine=False),
            nn.ReLU(), nn.AvgPool1d(2), nn.Flatten(), nn.Linear(20, 3), nn.Softmax(dim=1)),
         (3, 10), torch.float32),
        ("conv2d_groups", nn.Sequential(
            nn.Conv2d(4, 4, (3, 2), stride=(2, 1), groups=2), nn.LeakyReLU(0.1),
            nn.Conv2d(4, 4, 1, groups=4, bias=False), nn.AdaptiveAvgPool2d(1), nn.Conv2d(4, 2, 1, groups=2),
            nn.Flatten()).double(), (4, 5, 5), torch.float64),
    ]
    for fixture, model, input_shape, dtype in cases:
        spec = "specs/xor.lua" if fixture == "xor" else os.path.join(SPECS, fixture + ".lua")
        work = os.path.join(build, "implied_" + fixture)
        os.makedirs(work, exist_ok=True)
        header, program = build_loader(gradc, work, spec, cc)
        path = os.path.join(work, "model.pt")
        torch.save(trained_state(model, input_shape, dtype), path)
        weights = os.path.join(work, "from_torch.bin")
        label = "implied tensors (%s)" % fixture
        result = convert(["--header", header], ["--state-dict", path], weights)
        check(label + ": state_dict converts", result.returncode == 0, result.stderr.strip())
        if result.returncode != 0:
            continue
        features = 1
        for extent in input_shape:
            features *= extent
        inputs = (torch.rand(16, features, dtype=torch.float64) * 4 - 2).to(dtype).to(torch.float64)
        compare_predictions(label, program, weights, model, dtype, inputs,
                            input_shape if len(input_shape) > 1 else None)


def member_names(header):
    """The members of the header's <name>_params struct (a generated header has other structs)."""
    with open(header, encoding="utf-8") as f:
        body = re.search(r"typedef struct \{([^}]*)\} [a-z0-9_]+_params;", f.read()).group(1)
    return re.findall(r"_real ([A-Za-z]+\d+)\[", body)


def conv_refusals(gradc, build):
    nn = torch.nn
    groups = ["--header", generated_header(gradc, build, "conv2d_groups")]
    norm = ["--header", generated_header(gradc, build, "conv1d_bn_same")]

    def groups_model(first=None, depthwise=None):
        return nn.Sequential(first or nn.Conv2d(4, 4, (3, 2), stride=(2, 1), groups=2), nn.LeakyReLU(),
                             depthwise or nn.Conv2d(4, 4, 1, groups=4, bias=False),
                             nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4, 2))

    def norm_model(batchnorm=None, conv=None):
        return nn.Sequential(conv or nn.Conv1d(3, 4, 3, padding="same", dilation=2, bias=False),
                             batchnorm or nn.BatchNorm1d(4), nn.ReLU(), nn.AvgPool1d(2),
                             nn.Flatten(), nn.Linear(20, 3))

    negative = norm_model()
    with torch.no_grad():
        negative[1].running_var[2] = -0.25
    cases = [
        ("a conv without the spec's groups", groups,
         groups_model(first=nn.Conv2d(4, 4, (3, 2), stride=(2, 1))),
         "['0.weight']: shape [4, 4, 3, 2], but W1 of spec conv2d_groups is [4, 2, 3, 2]"),
        ("a conv kernel transposed", groups,
         groups_model(first=nn.Conv2d(4, 4, (2, 3), groups=2)),
         "['0.weight']: shape [4, 2, 2, 3], but W1 of spec conv2d_groups is [4, 2, 3, 2]"),
        ("a bias where the spec has bias = false", groups,
         groups_model(depthwise=nn.Conv2d(4, 4, 1, groups=4)),
         "['2.bias']: module '2' (Conv2d) has a bias, but layer 2 of spec conv2d_groups has none"),
        ("a conv without the spec's bias", groups,
         groups_model(first=nn.Conv2d(4, 4, (3, 2), stride=(2, 1), groups=2, bias=False)),
         "module '0' (Conv2d) has no bias, but layer 1 of spec conv2d_groups has b1[4]"),
        ("a BatchNorm of the wrong width", norm, norm_model(batchnorm=nn.BatchNorm1d(5)),
         "['1.weight']: shape [5], but gamma2 of spec conv1d_bn_same is [4]"),
        ("a BatchNorm without running statistics", norm,
         norm_model(batchnorm=nn.BatchNorm1d(4, track_running_stats=False)),
         "module '1' (BatchNorm) has no running_mean (track_running_stats=False)"),
        ("a conv where the spec has a batchnorm", norm,
         norm_model(batchnorm=nn.Conv1d(4, 4, 1)),
         "module '1' (Conv1d) is matched with layer 2 of spec conv1d_bn_same, which is a batchnorm"),
        ("a negative running variance", norm, negative,
         "['1.running_var']: element 2 is -0.25: a running variance cannot be negative"),
    ]
    for label, arch_args, model, expect in cases:
        state = os.path.join(build, "bad_conv.pt")
        torch.save(model.state_dict(), state)
        refusal(build, label, arch_args, ["--state-dict", state], expect)

    # headers the converter cannot read exactly are refused, never guessed at: the generated
    # conv2d_bn.h (W1[3][2][3][3], gamma2 beta2 mean2 var2 [3], W4[2][27], b4[2]: 122 reals), edited
    with open(generated_header(gradc, build, "conv2d_bn"), encoding="utf-8") as f:
        text = f.read()

    def edited(*replacements):
        """text with each (old, new) replaced; None if an `old` is not in it exactly once."""
        out = text
        for old, new in replacements:
            if out.count(old) != 1:
                return None
            out = out.replace(old, new)
        return out

    count = ("#define CONV2D_BN_PARAM_COUNT 122", "#define CONV2D_BN_PARAM_COUNT %d")
    for label, bad, expect in [
            ("a header with an unknown member",
             edited(("    conv2d_bn_real b4[2];", "    conv2d_bn_real scale4[2];")),
             "cannot read member 'conv2d_bn_real scale4[2]' of conv2d_bn_params"),
            ("a header whose count disagrees with its struct",
             edited((count[0], count[1] % 121)),
             "CONV2D_BN_PARAM_COUNT is 121, but the conv2d_bn_params members hold 122 reals"),
            ("a header with half a batchnorm",
             edited(("    conv2d_bn_real var2[3];\n", ""), (count[0], count[1] % 119)),
             "layer 2 of conv2d_bn_params has members gamma2[3] beta2[3] mean2[3], expected W2 [b2] "
             "or gamma, beta, mean and var")]:
        if bad is None:
            check("refuses %s (the generated conv2d_bn.h has the lines this case edits)" % label, False)
            continue
        path = os.path.join(build, "bad_header.h")
        with open(path, "w", encoding="utf-8") as f:
            f.write(bad)
        state = os.path.join(build, "unused.pt")
        torch.save({}, state)
        refusal(build, label, ["--header", path], ["--state-dict", state], expect)
    if numpy is not None:
        folder = os.path.join(build, "npy_conv")
        shutil.rmtree(folder, ignore_errors=True)  # no arrays left by an earlier run
        os.makedirs(folder)
        header = generated_header(gradc, build, "dense_bn")
        shapes = {"W1": (6, 5), "b1": (6,), "gamma2": (6,), "beta2": (6,), "mean2": (6,),
                  "var2": (6,), "W3": (1, 6), "b3": (1,)}
        for member, shape in shapes.items():
            if member != "gamma2":
                numpy.save(os.path.join(folder, member + ".npy"), numpy.ones(shape))
        refusal(build, "a missing gamma2.npy", ["--header", header], ["--npy", folder],
                "gamma2.npy: missing (spec dense_bn needs W1.npy b1.npy gamma2.npy beta2.npy mean2.npy "
                "var2.npy W3.npy b3.npy)")
        numpy.save(os.path.join(folder, "gamma2.npy"), numpy.ones(6))
        numpy.save(os.path.join(folder, "mean4.npy"), numpy.ones(6))
        refusal(build, "an array for a member the spec lacks", ["--header", header],
                ["--npy", folder], "mean4.npy: spec dense_bn has no member mean4")


def main():
    gradc, build, cc = sys.argv[1:4]
    os.makedirs(build, exist_ok=True)
    torch.manual_seed(0)
    nn = torch.nn
    convert_case(gradc, cc, build, "specs/xor.lua",
                 nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 1), nn.Sigmoid()),
                 torch.float32)
    convert_case(gradc, cc, build, "specs/softmax.lua",
                 nn.Sequential(nn.Linear(4, 16), nn.LeakyReLU(0.05), nn.Linear(16, 3),
                               nn.Softmax(dim=1)).double(), torch.float64)
    convert_case(gradc, cc, build, "specs/reg.lua",
                 nn.Sequential(nn.Linear(8, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(),
                               nn.Linear(64, 1)), torch.float32)
    refusals(gradc, build)
    conv_cases(gradc, cc, build)
    conv_refusals(gradc, build)
    implied_cases(gradc, cc, build)
    print("torch2gradc: %d passed, %d failed" % (len(passed), len(failed)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
