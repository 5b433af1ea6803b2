"""/usr/bin/python3 tests/cross/test_torch2gradc.py GRADC BUILD_DIR CC: gen/tools/torch2gradc.py.

For three specs (float and double; tanh, sigmoid, relu, leaky_relu with alpha, softmax, linear):
build the matching torch nn.Sequential, save its state_dict, convert it, and check that
- the generator accepts the file (`gradc --check --weights`: its own hash, count and checksum check),
- the generated <name>_load reads it and <name>_predict agrees with torch to 1e-5,
- <name>_save writes back exactly the bytes the converter wrote,
- the same weights as W1.npy b1.npy ... convert to the same bytes (when numpy imports).
Then refusals: wrong shapes, layer counts, bias-less or non-Linear layers, missing or non-finite
arrays each fail with one clear line and write nothing. Run from the project root.
"""
import contextlib
import importlib.util
import io
import os
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


def compare_predictions(label, program, weights, model, dtype, inputs):
    resaved = weights + ".resaved"
    text = "\n".join(" ".join(repr(float(v)) for v in row) for row in inputs.tolist()) + "\n"
    result = run([program, weights, resaved], stdin=text)
    if result.returncode != 0:
        check(label + ": <name>_load reads the file", False, result.stderr.strip())
        return
    got = [[float(v) for v in line.split()] for line in result.stdout.splitlines()]
    with torch.no_grad():
        want = model(inputs.to(dtype)).tolist()
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
        ("a Linear without bias", torch.nn.Sequential(torch.nn.Linear(2, 4, bias=False),
                                                       torch.nn.Linear(4, 1)), "module '0' (Linear) has no bias, but layer 1 of spec xor has b1[4]"),
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
    if numpy is not None:
        folder = os.path.join(build, "npy_missing")
        os.makedirs(folder, exist_ok=True)
        numpy.save(os.path.join(folder, "W1.npy"), numpy.zeros((4, 2), numpy.float32))
        refusal(build, "a missing array", spec, ["--npy", folder], "b1.npy: missing")


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
    print("torch2gradc: %d passed, %d failed" % (len(passed), len(failed)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
