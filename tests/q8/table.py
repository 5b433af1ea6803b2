#!/usr/bin/python3
"""make q8-table: int8 inference against float on the real data sets, accuracy and size.

    /usr/bin/python3 tests/q8/table.py [--only NAME ...] [--readme README.md] [--check]
        [--gradc BIN] [--cc CC] [--build DIR] [--epochs N]

For each data set (specs/<name>.lua on data/):
  1. train with make train's driver (templates/train/train.sh; 20% held out, seed 1, features
     standardized on the training split; the driver's own split.csv and <name>.scale are used);
  2. generate the const-weights float build and the int8 build (gradc --weights <name>.bin
     --quant int8 --calib), calibrated on every training row standardized with <name>.scale (the
     units <name>_predict and <name>_qinfer take), or raw for a spec with standardize = true;
  3. on the held-out rows, run the float build (<name>_infer) and the int8 build (<name>_qinfer,
     which quantizes x, calls <name>_q8_infer and dequantizes y) in tests/q8/table_eval.c on the
     host: accuracy for classifiers (argmax; > 0.5 for one sigmoid output), RMSE in the target's
     own units for regression. The float accuracy must equal the driver's (the same weights,
     the same rows);
  4. sizes on a Cortex-M0 (arm-none-eabi-gcc, M0_FLAGS below): tests/q8/table_m0.c linked with
     <name>_weights.c (the float inference-only build) or with <name>_q8.c alone (the int8 one),
     minus the same program without the call: flash = text + data, which includes the soft-float,
     libm and division helpers the model pulls in; RAM = .data + .bss of the same difference
     plus the header's working RAM of one call (<NAME>_INFER_BYTES, <NAME>_Q8_INFER_BYTES, on
     the stack).
Prints a markdown table; with --readme, also writes it into that file between the lines
<!-- q8-table:begin --> and <!-- q8-table:end -->. With --check, exits 1 when a data set's int8
metric is more than one point (accuracy) or 1% (RMSE) worse than float's, or, for a net of at
least 1,000 parameters, its int8 weights and biases (the int8 W arrays and int32 B arrays of
<name>_q8.c) exceed 0.3 of the float parameters' bytes. (Below that the int32 biases weigh: iris's
19 biases are 76 of its 188 int8 bytes.)
"""
import argparse
import math
import os
import re
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "train"))
import driver_files  # noqa: E402  pylint: disable=wrong-import-position

# spec name (specs/<name>.lua), data file, targets file (in data/)
DATA_SETS = [
    ("iris", "iris.csv", None),
    ("wine", "wine_data.csv", None),
    ("breast_cancer", "breast_cancer.csv", None),
    ("digits", "digits.csv", None),
    ("digits_cnn", "digits.csv", None),
    ("diabetes", "diabetes_data.csv", "diabetes_target.csv"),
]
M0_FLAGS = ["-mcpu=cortex-m0", "-mthumb", "-mfloat-abi=soft", "-Os", "-std=c99",
            "-ffunction-sections", "-fdata-sections"]
M0_LINK = ["--specs=nano.specs", "-nostartfiles", "-Wl,--gc-sections", "-Wl,-e,main"]
BEGIN, END = "<!-- q8-table:begin -->", "<!-- q8-table:end -->"
# the --check limits
MAX_ACCURACY_LOSS_POINTS = 1.0
MAX_RMSE_LOSS_RELATIVE = 0.01
MAX_WEIGHTS_RATIO = 0.3
MIN_PARAMS_FOR_RATIO = 1000


class Failed(Exception):
    pass


def run(command, **kwargs):
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, **kwargs)
    if result.returncode != 0:
        raise Failed(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def header_defines(path):
    defines = {}
    with open(path) as f:
        for line in f:
            m = re.match(r"#define (\w+)\s+\(?(-?[0-9.eE+-]+)\)?\s*(/\*.*)?$", line)
            if m:
                defines[m.group(1)] = float(m.group(2))
    return defines


def q8_arrays(path, dsp=False):
    """Bytes of <name>_q8.c's const arrays by role: weights (W<l>), biases (B<l>), the rest
    (multipliers, shifts, activation and exp tables). A layer's arrays for the ARMv7E-M DSP
    kernels (between #if defined(<NAME>_Q8_PAIRS) and its #else) count only with dsp, and then
    instead of that #else's."""
    sizes = {"weights": 0, "biases": 0, "other": 0}
    width = {"int8_t": 1, "uint8_t": 1, "int16_t": 2, "uint16_t": 2, "int32_t": 4, "uint32_t": 4}
    branch = None  # None outside a layer's #if, else "dsp" or "portable"
    with open(path) as f:
        for line in f:
            if re.match(r"#if defined\(\w+_Q8_PAIRS\)$", line):
                branch = "dsp"
            elif branch and line.startswith("#else"):
                branch = "portable"
            elif branch and line.startswith("#endif"):
                branch = None
            m = re.match(r"static const (u?int(?:8|16|32)_t) ([A-Za-z_]+?)(\d*)((?:\[\d+\])+) =", line)
            if m and branch != ("portable" if dsp else "dsp"):
                count = math.prod(int(d) for d in re.findall(r"\[(\d+)\]", m.group(4)))
                role = {"W": "weights", "B": "biases"}.get(m.group(2), "other")
                sizes[role] += count * width[m.group(1)]
    return sizes


def describe(gradc_log):
    """E.g. '4-16-3 relu/softmax', '1x8x8-conv2d 16x8x8-maxpool2d 16x4x4-10 relu/softmax' from
    gradc's layer summary (the activations of the layers with parameters)."""
    shapes, acts = [], []
    for line in gradc_log.splitlines():
        m = re.match(r"\s+\d+\s+(?:([a-z][a-z0-9_]*) )?(\S+) -> (\S+)\s+(\S+)\s+(\d+)\s", line)
        if m:
            kind, shape_in, shape_out, act, params = m.groups()
            if kind == "standardize":  # the spec's standardize = true: no layer of the network's own
                continue
            if not shapes:
                shapes.append(shape_in)
            shapes.append(f"{kind} {shape_out}" if kind else shape_out)
            if int(params) > 0:
                acts.append(act)
    return "-".join(shapes) + (" " + "/".join(acts) if acts else "")


def m0_size(args, gen, name, variant, sources):
    elf = os.path.join(args.build, f"{name}_m0_{variant}.elf")
    upper = name.upper()
    define = {"float": ["-DCALL_FLOAT"], "int8": ["-DCALL_INT8"], "float_base": [],
              "int8_base": ["-DINT8_BUFFERS"]}[variant]
    run(["arm-none-eabi-gcc"] + M0_FLAGS + define + [f"-DNET={name}", f"-DNET_UPPER={upper}",
         "-I" + gen, "-include", f"{name}.h"] + M0_LINK + ["tests/q8/table_m0.c"] + sources +
        ["-o", elf, "-lm"])
    text, data, bss = (int(v) for v in run(["arm-none-eabi-size", elf]).splitlines()[1].split()[:3])
    return text + data, data + bss


def measure(args, name, data_file, targets_file):
    spec = f"specs/{name}.lua"
    trained = os.path.join(args.build, "trained")
    command = ["sh", "templates/train/train.sh", "--gradc", args.gradc, "--cc", args.cc, "--cflags",
               "-O2 -march=native", "--build", os.path.join(args.build, "drivers"), "--spec", spec,
               "--data", os.path.join("data", data_file), "--epochs", str(args.epochs), "--out", trained]
    if targets_file:
        command += ["--targets", os.path.join("data", targets_file)]
    train_log = run(command)
    result = re.search(r"^result: .* val_(accuracy|rmse)=(\S+)$", train_log, re.M)
    regression = result.group(1) == "rmse"
    driver_metric = float(result.group(2))

    model = os.path.join(trained, name)
    # a spec with standardize = true takes raw rows and gives targets in their own units
    with open(os.path.join(model, name + ".h")) as f:
        standardized = f"#define {name.upper()}_STANDARDIZE " in f.read()
    x, y, (train, val), (_, targets) = driver_files.driver_rows(
        os.path.join(ROOT, "data", data_file),
        targets_file and os.path.join(ROOT, "data", targets_file), model, name,
        standardize=not standardized)
    work = os.path.join(args.build, name)
    os.makedirs(work, exist_ok=True)
    calib, held_out = os.path.join(work, "calib.csv"), os.path.join(work, "val.csv")
    np.savetxt(calib, x[train], delimiter=",", fmt="%.17g")
    np.savetxt(held_out, x[val], delimiter=",", fmt="%.17g")

    out = os.path.join(args.build, "gen")
    gradc_log = run([args.gradc, "--out", out, "--weights", os.path.join(model, name + ".bin"),
                     "--quant", "int8", "--calib", calib, spec])
    gen = os.path.join(out, name)
    defines = header_defines(os.path.join(gen, name + ".h"))
    upper = name.upper()

    evaluator = os.path.join(args.build, f"{name}_eval")
    run([args.cc, "-std=c99", "-O2", f"-DNET={name}", f"-DNET_UPPER={upper}", "-I" + gen, "-include",
         f"{name}.h", "tests/q8/table_eval.c", os.path.join(gen, f"{name}_weights.c"),
         os.path.join(gen, f"{name}_q8.c"), os.path.join(gen, f"{name}_qinfer.c"), "-o", evaluator, "-lm"])
    outputs = np.array([[float(v) for v in line.split()]
                        for line in run([evaluator, held_out]).splitlines()])
    n_out = outputs.shape[1] // 2
    y_float, y_int8 = outputs[:, :n_out], outputs[:, n_out:]
    if regression:
        truth = y[val]

        def metric(pred):
            own_units = pred if standardized else pred * targets[:, 1] + targets[:, 0]
            return float(np.sqrt(np.mean((own_units - truth) ** 2)))
        agrees = abs(metric(y_float) - driver_metric) <= 1e-4 * driver_metric
    else:
        labels = y[val, 0].astype(np.int64)

        def metric(pred):
            chosen = (pred[:, 0] > 0.5).astype(np.int64) if n_out == 1 else pred.argmax(axis=1)
            return float(np.mean(chosen == labels))
        agrees = abs(metric(y_float) - driver_metric) < 1e-9
    float_metric, int8_metric = metric(y_float), metric(y_int8)
    if not agrees:
        raise Failed(f"{name}: the float build's held-out metric {float_metric} is not the driver's "
                     f"{driver_metric}: the evaluation does not see what training saw")

    float_base_flash, float_base_ram = m0_size(args, gen, name, "float_base", [])
    int8_base_flash, int8_base_ram = m0_size(args, gen, name, "int8_base", [])
    float_flash, float_ram = m0_size(args, gen, name, "float", [os.path.join(gen, f"{name}_weights.c")])
    int8_flash, int8_ram = m0_size(args, gen, name, "int8", [os.path.join(gen, f"{name}_q8.c")])
    arrays = q8_arrays(os.path.join(gen, f"{name}_q8.c"))
    if sum(arrays.values()) != defines[f"{upper}_Q8_WEIGHTS_BYTES"]:
        raise Failed(f"{name}: {name}_q8.c's const arrays ({sum(arrays.values())} B) are not "
                     f"{upper}_Q8_WEIGHTS_BYTES ({defines[f'{upper}_Q8_WEIGHTS_BYTES']:.0f})")
    dsp_arrays = sum(q8_arrays(os.path.join(gen, f"{name}_q8.c"), dsp=True).values())
    if dsp_arrays != defines[f"{upper}_Q8_DSP_WEIGHTS_BYTES"]:
        raise Failed(f"{name}: {name}_q8.c's const arrays for ARMv7E-M DSP ({dsp_arrays} B) are not "
                     f"{upper}_Q8_DSP_WEIGHTS_BYTES ({defines[f'{upper}_Q8_DSP_WEIGHTS_BYTES']:.0f})")
    return {
        "name": name, "network": describe(gradc_log), "regression": regression, "rows": len(val),
        "float": float_metric, "int8": int8_metric,
        "float_weights": int(defines[f"{upper}_PARAMS_BYTES"]), "params": int(defines[f"{upper}_PARAM_COUNT"]),
        "int8_wb": arrays["weights"] + arrays["biases"], "int8_all": sum(arrays.values()),
        "float_flash": float_flash - float_base_flash, "int8_flash": int8_flash - int8_base_flash,
        "float_ram": float_ram - float_base_ram + int(defines[f"{upper}_INFER_BYTES"]),
        "int8_ram": int8_ram - int8_base_ram + int(defines[f"{upper}_Q8_INFER_BYTES"]),
    }


def markdown(rows, epochs):
    lines = [
        f"| data set | network | held-out metric | float | int8 | int8 − float "
        f"| float weights B | int8 weights + biases B (all const data) | ratio (all) "
        f"| float flash B / RAM B | int8 flash B / RAM B |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        if r["regression"]:
            kind, shown = f"RMSE ({r['rows']} samples)", lambda v: f"{v:.2f}"
            diff = f"{r['int8'] - r['float']:+.2f}"
        else:
            kind, shown = f"accuracy ({r['rows']} samples)", lambda v: f"{100 * v:.2f}%"
            diff = f"{100 * (r['int8'] - r['float']):+.2f} points"
        ratio = f"{r['int8_wb'] / r['float_weights']:.2f} ({r['int8_all'] / r['float_weights']:.2f})"
        lines.append(
            f"| {r['name']} | {r['network']} | {kind} | {shown(r['float'])} | {shown(r['int8'])} | {diff} "
            f"| {r['float_weights']:,} | {r['int8_wb']:,} ({r['int8_all']:,}) | {ratio} "
            f"| {r['float_flash']:,} / {r['float_ram']:,} | {r['int8_flash']:,} / {r['int8_ram']:,} |")
    lines.append("")
    lines.append(f"({epochs} epochs of `make train`, then `make q8-table`. Differences are taken before "
                 f"rounding. Cortex-M0: `arm-none-eabi-gcc {' '.join(M0_FLAGS)}`, linked with "
                 f"`{' '.join(M0_LINK)} -lm`; flash and RAM are what the call adds to an empty program, "
                 f"soft-float, libm and division helpers included, RAM plus the header's working RAM of "
                 f"one call, which is on the stack.)")
    return "\n".join(lines) + "\n"


def update_readme(path, text):
    """Replaces what lies between the marker lines; refuses (False) when they are missing."""
    with open(path) as f:
        readme = f.read()
    begin = readme.find(BEGIN + "\n")
    end = readme.find(END, begin)
    if begin < 0 or end < 0:
        return False
    begin += len(BEGIN) + 1
    new = readme[:begin] + text + readme[end:]
    # written beside it and renamed over it, so an interrupted run leaves the old README; the
    # temporary file is created private (0600), so it takes the README's own mode first
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)), prefix=".q8-table-")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(new)
        os.chmod(tmp, os.stat(path).st_mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--readme")
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--gradc", default="gen/build/gradc")
    parser.add_argument("--cc", default="cc")
    parser.add_argument("--build", default="tests/build/q8-table")
    parser.add_argument("--epochs", type=int, default=100)
    args = parser.parse_args()
    if args.only and not set(args.only) <= {d[0] for d in DATA_SETS}:
        sys.exit(f"q8-table: --only takes {', '.join(d[0] for d in DATA_SETS)}")
    os.chdir(ROOT)
    os.makedirs(args.build, exist_ok=True)
    rows, failures = [], []
    for name, data_file, targets_file in DATA_SETS:
        if args.only and name not in args.only:
            continue
        print(f"q8-table: {name} ...", file=sys.stderr, flush=True)
        try:
            r = measure(args, name, data_file, targets_file)
        except (Failed, driver_files.Malformed) as e:
            sys.exit(f"q8-table: {e}")
        rows.append(r)
        if r["regression"]:
            if r["int8"] > r["float"] * (1 + MAX_RMSE_LOSS_RELATIVE):
                failures.append(f"{name}: int8 RMSE {r['int8']:.3f} more than 1% above float's {r['float']:.3f}")
        elif 100 * (r["float"] - r["int8"]) > MAX_ACCURACY_LOSS_POINTS:
            failures.append(f"{name}: int8 accuracy {100 * r['int8']:.2f}% more than one point below "
                            f"float's {100 * r['float']:.2f}%")
        if r["params"] >= MIN_PARAMS_FOR_RATIO and r["int8_wb"] > MAX_WEIGHTS_RATIO * r["float_weights"]:
            failures.append(f"{name}: int8 weights and biases {r['int8_wb']} B above {MAX_WEIGHTS_RATIO} "
                            f"of float's {r['float_weights']} B")
    text = markdown(rows, args.epochs)
    print(text)
    if args.readme:
        if update_readme(args.readme, text):
            print(f"q8-table: wrote the table into {args.readme} between the q8-table markers")
        else:
            sys.exit(f"q8-table: {args.readme} has no {BEGIN} / {END} lines: not updated")
    if args.check:
        for f in failures:
            print(f"check-q8-table: {f}", file=sys.stderr)
        if failures:
            sys.exit(1)
        print(f"check-q8-table: {', '.join(r['name'] for r in rows)}: int8 within "
              f"{MAX_ACCURACY_LOSS_POINTS:g} point (RMSE {100 * MAX_RMSE_LOSS_RELATIVE:g}%) of float, "
              f"weights and biases at most {MAX_WEIGHTS_RATIO} of float's (nets of {MIN_PARAMS_FOR_RATIO:,}+ parameters)")


if __name__ == "__main__":
    main()
