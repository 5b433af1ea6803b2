"""/usr/bin/python3 tests/torch/check.py GRADC BUILD_DIR CC SPEC...: generated models against PyTorch.

An independent check of the generated math, through the public C API only. For each spec:
  1. gradc generates it into BUILD_DIR/<name>/gen, and tests/torch/driver.c is compiled against it
     (strict warnings, -Werror);
  2. tests/torch/spec2json.lua prints the spec with its defaults applied, and torch_model.py builds
     the same network from torch.nn modules in float64; its tensors must have the shapes of the
     <name>_params members in the generated header, in order;
  3. deterministic initial params (uniform, fan-in scaled; batchnorm gamma near 1, running var in
     [0.5, 2]), X and Y (0/1 for bce, one-hot for ce) are drawn in double and rounded to the
     model's dtype, so C and PyTorch start from exactly the same values;
  4. the driver runs forward, cost, backward, one-sample predict and 3 train steps; PyTorch
     computes the same from the same values; every result is compared.
With --torch-side first, the specs need no generator: only the PyTorch side is checked, that it
builds and runs (forward, predict, train steps) and that every layer's output shape as the torch
modules compute it equals the one spec2json.lua derives from the spec documentation's formulas
(two independent derivations of L_out, "same" padding and pooling sizes).
Then seven negative controls: the PyTorch side given a learning rate or an alpha 1e-6 larger
(double), a learning rate 1% larger or adam's eps 10 times larger (float), a step schedule's
gamma 1e-6 larger, a cosine schedule one step longer (double) or no schedule at all (float) must
FAIL the comparison, so the tolerances are shown to catch small errors, run after run.
Prints one PASS or FAIL line per spec, then "check-torch: N passed, M failed"; exit status 1 on
any failure. Prints a SKIPPED line and exits 0 only when this Python cannot import torch.

Tolerances, per compared tensor, as the largest |C - torch| over its elements divided by its
scale, the largest |torch| element (for params and gradients per <name>_params member, the scale
floored at 1e-3 of the whole vector's, so that a member whose exact value is 0 - the gradient of
a bias just before a batchnorm is - is judged against the gradient's size, not its own rounding
noise):
  double models: 1e-10. Both sides compute in double; only the order of operations differs,
    which moves results by a few ulps (1e-16) times the condition of the sums (small here).
  float models: 1e-4. The C code rounds every operation to float (ulp 6e-8) while PyTorch keeps
    double, and three optimizer steps compound it; 1e-4 (about 1700 float ulps) is far above that
    rounding, and far below what a wrong index, sign, factor or default causes (1e-2 and up).
Params after the 3 steps are compared twice: as they are, and as the update (trained - initial),
which is small next to the params, so that an error in lr or in the optimizer's math is not lost
in the params' scale; the update may differ by the 2 roundings of the params themselves on top of
the tolerance (C stores p and p - update in its real type).
The gradient of every running mean and var must be exactly 0 (the optimizer never changes them).
"""
import importlib.util
import json
import os
import struct
import subprocess
import sys
import zlib

ROOT = os.getcwd()
HERE = os.path.dirname(os.path.abspath(__file__))
STRICT = ["-std=c99", "-O1", "-Wall", "-Wextra", "-Wpedantic", "-Wconversion", "-Wshadow", "-Werror"]
STEPS = 3
TOLERANCE = {"double": 1e-10, "float": 1e-4}
MEMBER_FLOOR = 1e-3

try:
    import torch
except ImportError as err:
    print("check-torch: SKIPPED: %s cannot import torch (%s; Debian: apt-get install python3-torch)"
          % (sys.executable, err))
    sys.exit(0)

sys.path.insert(0, HERE)
import torch_model  # noqa: E402  pylint: disable=wrong-import-position


def load_converter():
    """gen/tools/torch2gradc.py's header reader: the <name>_params members, dtype and counts."""
    path = os.path.join(ROOT, "gen", "tools", "torch2gradc.py")
    spec = importlib.util.spec_from_file_location("torch2gradc", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TORCH2GRADC = load_converter()


class Failure(Exception):
    pass


def run(command, what):
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        lines = (result.stderr.strip() or result.stdout.strip() or "exit status %d"
                 % result.returncode).splitlines()
        raise Failure("%s failed: %s" % (what, " / ".join(lines[:3])))
    return result.stdout


def header_define(header, name):
    for line in header.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[0] == "#define" and parts[1] == name:
            return int(parts[2].rstrip("u"))
    raise Failure("the header has no #define " + name)


# ---- binary files: flat arrays of the model's real type ------------------------------------------

def write_reals(path, values, dtype):
    code = "f" if dtype == "float" else "d"
    with open(path, "wb") as f:
        f.write(struct.pack("<%d%s" % (len(values), code), *values))


def read_reals(path, count, dtype):
    code, size = ("f", 4) if dtype == "float" else ("d", 8)
    with open(path, "rb") as f:
        data = f.read()
    if len(data) != count * size:
        raise Failure("%s: %d bytes, expected %d reals" % (os.path.basename(path), len(data), count))
    return torch.tensor(struct.unpack("<%d%s" % (count, code), data), dtype=torch.float64)


def rounded(tensor, dtype):
    """Values the C model can hold exactly, as float64."""
    return tensor.to(torch.float32).to(torch.float64) if dtype == "float" else tensor


# ---- deterministic inputs ---------------------------------------------------------------------------

def initial_params(members, generator):
    parts = []
    for member in members:
        shape, count = member.shape, member.size()
        uniform = torch.rand(count, generator=generator, dtype=torch.float64)
        if member.kind == "W":
            fan_in = count // shape[0]
            values = (uniform * 2 - 1) * (3.0 / fan_in) ** 0.5
        elif member.kind in ("b", "beta", "mean", "input_mean"):
            values = (uniform * 2 - 1) * 0.3
        elif member.kind in ("gamma", "input_inv_scale"):
            values = 0.5 + uniform
        else:  # var
            values = 0.5 + 1.5 * uniform
        parts.append(values)
    return torch.cat(parts)


def inputs_and_targets(network, inputs, outputs, batch, generator):
    X = torch.rand(inputs * batch, generator=generator, dtype=torch.float64) * 2 - 1
    if network.loss == "mse":
        Y = torch.rand(outputs * batch, generator=generator, dtype=torch.float64) * 2 - 1
    elif network.loss == "bce":
        Y = (torch.rand(outputs * batch, generator=generator) < 0.5).to(torch.float64)
    else:  # ce: one class per sample (a column of Y)
        classes = torch.randint(outputs, (batch,), generator=generator)
        Y = torch.zeros(outputs, batch, dtype=torch.float64)
        Y[classes, torch.arange(batch)] = 1.0
        Y = Y.reshape(-1)
    return X, Y


# ---- comparisons ------------------------------------------------------------------------------------

class Comparison:
    def __init__(self, dtype):
        self.tolerance = TOLERANCE[dtype]
        self.ulp = 2.0 ** -24 if dtype == "float" else 2.0 ** -53  # unit roundoff
        self.worst = {}
        self.problems = []

    def tensor(self, label, got, want, scale=None, slack=0.0):
        """Fails when max |got - want| > tolerance x scale + slack."""
        scale = scale if scale is not None else float(want.abs().max()) if want.numel() else 0.0
        error = float((got - want).abs().max()) if want.numel() else 0.0
        if not (error == error):  # NaN from the C side
            error = float("inf")
        relative = error / scale if scale > 0 else (0.0 if error == 0 else float("inf"))
        key = label.split(" ")[0]
        self.worst[key] = max(self.worst.get(key, 0.0), relative)
        if error > self.tolerance * scale + slack:
            where = int((got - want).abs().argmax()) if want.numel() else 0
            self.problems.append("%s: error %.3g of scale %.3g (relative %.3g > %.0e; element %d: C %r, "
                                 "torch %r)" % (label, error, scale, relative, self.tolerance, where,
                                                float(got.reshape(-1)[where]),
                                                float(want.reshape(-1)[where])))

    def members(self, label, members, got, want, rounded_from=None):
        """Per member. rounded_from: for an update (trained - initial), the initial params, whose
        own rounding (2 ulps of them: C rounds p and p - update) the update is allowed on top."""
        whole = float(want.abs().max())
        offset = 0
        for member in members:
            count = member.size()
            g, w = got[offset:offset + count], want[offset:offset + count]
            offset += count
            if label == "grad" and member.kind in ("mean", "var", "input_mean", "input_inv_scale"):
                if bool((g != 0).any()):
                    self.problems.append("grad %s: not exactly 0 (largest %.3g)" % (
                        member.name, float(g.abs().max())))
                continue
            scale = max(float(w.abs().max()), MEMBER_FLOOR * whole)
            slack = 0.0
            if rounded_from is not None:
                before = rounded_from[offset - count:offset]
                slack = 2 * self.ulp * float(before.abs().max())
            self.tensor("%s %s" % (label, member.name), g, w, scale, slack)


def check_spec(gradc, build, cc, spec, mutate=None):
    folder = os.path.join(build, os.path.basename(spec)[:-4])
    out = os.path.join(folder, "gen")
    os.makedirs(folder, exist_ok=True)
    run([gradc, "--out", out, spec], "gradc")
    description = json.loads(run(["lua5.4", os.path.join(HERE, "spec2json.lua"), spec],
                                 "spec2json.lua"))
    name = description["name"]
    model = os.path.join(out, name)
    driver = os.path.join(folder, "driver")
    run([cc] + STRICT + ["-DTM_NAME=" + name, "-DTM_UNAME=" + name.upper(), "-I" + model,
                         "-I" + os.path.join(ROOT, "runtime", "hosted"),
                         os.path.join(HERE, "driver.c"), os.path.join(model, name + ".c"),
                         "-o", driver, "-lm"], "compiling the driver")

    header_path = os.path.join(model, name + ".h")
    try:
        arch = TORCH2GRADC.read_header(header_path)
    except TORCH2GRADC.Refused as err:
        raise Failure(str(err)) from None
    with open(header_path, encoding="utf-8") as f:
        header = f.read()
    upper = name.upper()
    inputs, outputs = header_define(header, upper + "_INPUTS"), header_define(header, upper + "_OUTPUTS")
    batch = header_define(header, upper + "_BATCH")
    dtype = arch.dtype
    if dtype != description["dtype"] or batch != description["batch"]:
        raise Failure("header says %s batch %d, the spec %s batch %d" % (
            dtype, batch, description["dtype"], description["batch"]))

    if mutate is not None:
        mutate(description)
    network = torch_model.Network(description)
    members = arch.members()
    tensors = network.tensors()
    if len(tensors) != len(members):
        raise Failure("torch has %d parameter tensors (%s), the header's %s_params %d (%s)" % (
            len(tensors), ", ".join(l for l, _, _ in tensors), name, len(members),
            " ".join(str(m) for m in members)))
    for (label, tensor, _), member in zip(tensors, members):
        if tuple(tensor.shape) != member.shape:
            raise Failure("torch's %s is %s, the header's %s" % (label, list(tensor.shape), member))
    n_in = 1
    for extent in description["input"]:
        n_in *= extent
    if n_in != inputs or network.outputs != outputs:
        raise Failure("torch has %d inputs and %d outputs, the header %d and %d" % (
            n_in, network.outputs, inputs, outputs))

    generator = torch.Generator().manual_seed(zlib.crc32(name.encode()))
    params = rounded(initial_params(members, generator), dtype)
    X, Y = inputs_and_targets(network, inputs, outputs, batch, generator)
    X, Y = rounded(X, dtype), rounded(Y, dtype)
    write_reals(os.path.join(folder, "params.bin"), params.tolist(), dtype)
    write_reals(os.path.join(folder, "X.bin"), X.tolist(), dtype)
    write_reals(os.path.join(folder, "Y.bin"), Y.tolist(), dtype)
    run([driver, folder], "the driver")

    def result(file, count):
        return read_reals(os.path.join(folder, file), count, dtype)

    count = arch.param_count
    compare = Comparison(dtype)
    network.load_flat(params)
    forward, J, gradient = network.forward_cost_backward(X, Y)
    compare.tensor("forward", result("forward.bin", outputs * batch), forward)
    compare.tensor("cost", result("cost.bin", 1), torch.tensor([J], dtype=torch.float64))
    compare.members("grad", members, result("grad.bin", count), gradient)
    compare.tensor("predict", result("predict.bin", batch * outputs),
                   network.predict(X).reshape(-1))
    costs, trained = network.train_steps(X, Y, STEPS)
    compare.tensor("steps", result("steps.bin", STEPS), torch.tensor(costs, dtype=torch.float64))
    trained_c = result("trained.bin", count)
    compare.members("trained", members, trained_c, trained)
    compare.members("update", members, trained_c - params, trained - params, rounded_from=params)
    return compare


def check_torch_side(spec):
    """The torch network of a spec builds, runs, and agrees with spec2json.lua on every shape."""
    description = json.loads(run(["lua5.4", os.path.join(HERE, "spec2json.lua"), spec],
                                 "spec2json.lua"))
    network = torch_model.Network(description)
    batch = description["batch"]
    generator = torch.Generator().manual_seed(zlib.crc32(description["name"].encode()))
    x = torch.rand((batch,) + network.input_shape, generator=generator, dtype=torch.float64)
    shapes = network.layer_shapes(x)
    for l, (layer, shape) in enumerate(zip(description["layers"], shapes), start=1):
        if layer["output"] != shape:
            raise Failure("layer %d (%s): spec2json.lua says output %s, torch computes %s" % (
                l, layer["type"], layer["output"], shape))
    X = x.reshape(batch, -1).t().reshape(-1)
    X2 = network.to_batch(X)
    if not torch.equal(X2, x):
        raise Failure("to_batch does not invert the samples-as-columns layout")
    outputs = network.outputs
    Y = torch.zeros(outputs * batch, dtype=torch.float64)
    Y[:batch] = 1.0  # class 0 for every sample: a valid target for every loss
    forward, J, gradient = network.forward_cost_backward(X, Y)
    predict = network.predict(X)
    costs, trained = network.train_steps(X, Y, STEPS)
    for label, tensor in (("forward", forward), ("gradient", gradient), ("predict", predict),
                          ("trained", trained), ("cost", torch.tensor([J] + costs))):
        if not bool(torch.isfinite(tensor).all()):
            raise Failure("torch's %s is not finite" % label)
    if gradient.abs().max() == 0:
        raise Failure("torch's gradient is all 0")
    compare = Comparison(description["dtype"])
    return compare


def negative_controls(gradc, build, cc):
    """The comparison must be able to fail: PyTorch given a slightly different network must
    disagree with the generated C beyond the tolerances. Returns the problems (none expected)."""
    controls = [
        ("a learning rate 1e-6 larger (double)", "specs/softmax.lua",
         lambda d: d["optimizer"].update(lr=d["optimizer"]["lr"] * (1 + 1e-6)), "steps"),
        ("a leaky_relu alpha 1e-6 larger (double)", "specs/softmax.lua",
         lambda d: d["layers"][0].update(alpha=d["layers"][0]["alpha"] * (1 + 1e-6)), "forward"),
        ("a learning rate 1% larger (float, sgd)", "tests/torch/dense/bce_outputs.lua",
         lambda d: d["optimizer"].update(lr=d["optimizer"]["lr"] * 1.01), "update"),
        ("adam's eps 10 times larger (float)", "specs/iris.lua",
         lambda d: d["optimizer"].update(eps=d["optimizer"]["eps"] * 10), "update"),
        ("a step schedule's gamma 1e-6 larger (double)", "tests/torch/specs/schedule_step_momentum.lua",
         lambda d: d["optimizer"]["schedule"].update(gamma=d["optimizer"]["schedule"]["gamma"] * (1 + 1e-6)),
         "update"),
        ("a cosine schedule over 6 steps, not 5 (double)", "tests/torch/specs/schedule_cosine_adamw.lua",
         lambda d: d["optimizer"]["schedule"].update(steps=6), "steps"),
        ("no schedule (float, fused sgd)", "tests/torch/specs/schedule_step_sgd.lua",
         lambda d: d["optimizer"].pop("schedule"), "steps"),
    ]
    problems = []
    for label, spec, mutate, expect in controls:
        try:
            caught = check_spec(gradc, os.path.join(build, "control"), cc, spec, mutate).problems
        except Failure as err:
            caught = ["(no comparison: %s)" % err]
        if any(p.startswith(expect) for p in caught):
            print("PASS negative control: PyTorch with %s disagrees (%s)" % (label, caught[0]))
        else:
            problems.append("FAIL negative control: PyTorch with %s agrees with %s%s" % (
                label, spec, (": " + caught[0]) if caught else ""))
            print(problems[-1])
    return len(controls), problems


def main():
    torch_side = sys.argv[1:2] == ["--torch-side"]
    if torch_side:
        specs = sys.argv[2:]
    elif len(sys.argv) < 5:
        print("usage: check.py GRADC BUILD_DIR CC SPEC... | check.py --torch-side SPEC...",
              file=sys.stderr)
        return 2
    else:
        gradc, build, cc = sys.argv[1:4]
        specs = sys.argv[4:]
    torch.set_num_threads(1)  # small tensors: threads only cost time
    passed = failed = 0
    for spec in specs:
        try:
            compare = check_torch_side(spec) if torch_side else check_spec(gradc, build, cc, spec)
            problems = compare.problems
            worst = ", ".join("%s %.1e" % item for item in compare.worst.items())
        except Failure as err:
            problems, worst = [str(err)], ""
        if problems:
            failed += 1
            print("FAIL %s: %s" % (spec, problems[0]))
            for problem in problems[1:5]:
                print("     %s" % problem)
            if len(problems) > 5:
                print("     ... and %d more" % (len(problems) - 5))
        else:
            passed += 1
            print("PASS %s (%s)" % (spec, "torch side: shapes agree, runs" if torch_side
                                    else "largest relative errors: " + worst))
    if not torch_side:
        count, control_problems = negative_controls(gradc, build, cc)
        passed, failed = passed + count - len(control_problems), failed + len(control_problems)
    print("check-torch%s: %d passed, %d failed" % (" (torch side)" if torch_side else "",
                                                  passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
