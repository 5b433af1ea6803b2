"""/usr/bin/python3 tests/onnx/test_onnx2gradc.py GRADC BUILD_DIR CC: make import (onnx2gradc.py).

Each case is a PyTorch nn.Sequential (batchnorm running statistics, gamma and beta moved away from
their initial values first), put in eval mode and exported with torch.onnx.export (opset 13,
training=TrainingMode.PRESERVE, so BatchNormalization nodes stay), or such an export edited with
onnx.helper into a form another exporter writes (MatMul + Add, Reshape, unequal "same" pads). It is
imported, generated with its weights embedded (gradc --weights, what make gen WEIGHTS= runs),
built warning-free with -Werror, and <name>_predict on <name>_weights, and <name>_infer, must
agree with the PyTorch model in eval mode on 16 inputs.

Tolerance: |gradc - torch| <= TOLERANCE x max(1, |torch|) per output, 1e-5 for float models and
1e-12 for double ones. The inputs are rounded to the model's type before torch sees them, so the
two compute from the same values and differ only in rounding: summation order and libm's exp/tanh
against torch's. The longest sum here has 48 terms of magnitude about 1; float's unit roundoff is
6e-8, so reordering costs at most about 48 x 6e-8 = 3e-6 in the worst case, and double's about
1e-14. A wrong weight, layout, padding or statistic moves outputs by 1e-2 or more.

Then the refusals: each must exit 1 with exactly one expected line on stderr, and leave the SPEC and
WEIGHTS files as they were (existing ones byte for byte, absent ones absent). One case runs the
user's commands, make import and make gen, as the README gives them. Run from the project root.
"""
import concurrent.futures
import contextlib
import importlib.util
import io
import os
import re
import stat
import subprocess
import sys
import warnings

import onnx
import onnx.helper
import onnx.numpy_helper
import torch

# torch's own padding="same" (the reference for the unequal-pads case) warns about a copy
warnings.filterwarnings("ignore", message="Using padding=.same. with even kernel")

ROOT = os.getcwd()
# -O0: the numbers do not depend on it, and it builds fastest
STRICT = ["-std=c99", "-O0", "-Wall", "-Wextra", "-Wpedantic", "-Wconversion", "-Wshadow", "-Werror"]
TOLERANCE = {torch.float32: 1e-5, torch.float64: 1e-12}
SAMPLES = 16
nn = torch.nn

passed = []
failed = []


def check(label, ok, detail=""):
    (passed if ok else failed).append(label)
    print("  %s %s%s" % ("ok  " if ok else "FAIL", label, (": " + detail) if detail and not ok else ""))


def run(command, stdin=None, cwd=None):
    return subprocess.run(command, input=stdin, capture_output=True, text=True, check=False, cwd=cwd)


def load_tool(name):
    spec = importlib.util.spec_from_file_location(name, os.path.join(ROOT, "gen", "tools", name + ".py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ONNX2GRADC = load_tool("onnx2gradc")
TORCH2GRADC = load_tool("torch2gradc")


def import_model(gradc, argv):
    """The importer in this process (onnx and numpy are imported once, not per case)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = ONNX2GRADC.main(argv + ["--gradc", gradc])
    return subprocess.CompletedProcess(argv, status, out.getvalue(), err.getvalue())


def export(model, input_shape, path, dtype=torch.float32, opset=13):
    model.eval()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PRESERVE with constant folding: a warning about training
        torch.onnx.export(model, torch.zeros((1,) + tuple(input_shape), dtype=dtype), path,
                          opset_version=opset, training=torch.onnx.TrainingMode.PRESERVE)
    return onnx.load(path)


# cases exported at another opset than 13: the oldest gradc reads (7), the last whose Pad takes
# its pads as an attribute (10), and the newest torch 1.13 writes (17)
OPSETS = {"dense_opset7": 7, "conv_bn_pools_opset10": 10, "conv_bn_pools_opset17": 17}


def on_model(edit):
    """Marks a refusal edit that changes the model (its opsets), not only its graph."""
    edit.takes_model = True
    return edit


def moved_statistics(model, input_shape, dtype):
    """Running statistics (and gamma, beta) away from 0 and 1, so a mix-up of them shows."""
    torch.manual_seed(3)
    norms = [m for m in model if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d))]
    with torch.no_grad():
        for module in norms:
            if module.affine:
                module.weight.uniform_(0.5, 1.5)
                module.bias.uniform_(-0.5, 0.5)
        model.train()
        for _ in range(3):
            model(torch.randn((8,) + tuple(input_shape), dtype=dtype) * 2 + 0.5)
    model.eval()
    return norms


# ---- graph edits: the forms other exporters write -------------------------------------------

def initializer(graph, name):
    return next(t for t in graph.initializer if t.name == name)


def gemm_to_matmul_add(graph):
    """Each Gemm(x, W, b, transB=1) becomes MatMul(x, W^T) then Add(., b), as torch writes a
    Linear applied to a tensor of more than two dimensions."""
    nodes = []
    for node in graph.node:
        if node.op_type != "Gemm":
            nodes.append(node)
            continue
        weight = onnx.numpy_helper.to_array(initializer(graph, node.input[1]))
        graph.initializer.append(onnx.numpy_helper.from_array(weight.T.copy(), node.input[1] + ".T"))
        product = node.output[0] + ".product"
        nodes.append(onnx.helper.make_node("MatMul", [node.input[0], node.input[1] + ".T"], [product],
                                           name=node.name + "/MatMul"))
        nodes.append(onnx.helper.make_node("Add", [product, node.input[2]], [node.output[0]],
                                           name=node.name + "/Add"))
    del graph.node[:]
    graph.node.extend(nodes)


def flatten_to_reshape(graph, target=(0, -1)):
    """Flatten becomes Reshape to `target` with a Constant shape (0: the batch size is kept)."""
    nodes = []
    for node in graph.node:
        if node.op_type != "Flatten":
            nodes.append(node)
            continue
        shape = node.output[0] + ".shape"
        nodes.append(onnx.helper.make_node("Constant", [], [shape], value=onnx.helper.make_tensor(
            shape, onnx.TensorProto.INT64, [2], list(target))))
        nodes.append(onnx.helper.make_node("Reshape", [node.input[0], shape], [node.output[0]],
                                           name=node.name.replace("Flatten", "Reshape")))
    del graph.node[:]
    graph.node.extend(nodes)


def set_attribute(graph, op_type, name, value):
    node = next(n for n in graph.node if n.op_type == op_type)
    for attribute in list(node.attribute):
        if attribute.name == name:
            node.attribute.remove(attribute)
    node.attribute.append(onnx.helper.make_attribute(name, value))


def save(model, path):
    onnx.save(model, path)


# ---- the models -----------------------------------------------------------------------------

class Residual(nn.Module):
    """x + linear(x): a branch, which a chain of gradc layers cannot express."""

    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(3, 3)

    def forward(self, x):
        return x + self.linear(x)


class Transpose(nn.Module):
    """A layer gradc has no equivalent of (exports as Transpose)."""

    def forward(self, x):  # pylint: disable=no-self-use
        return x.transpose(1, 2)


def rename_node(op_type, name):
    def edit(graph):
        next(n for n in graph.node if n.op_type == op_type).name = name
    return edit


def cases():
    """(label, model, input shape, dtype, edit, torch model to compare with, expected spec lines)."""
    torch.manual_seed(0)
    dense = nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 4), nn.Tanh(), nn.Linear(4, 3),
                          nn.Softmax(dim=1))
    same = nn.Sequential(nn.Conv1d(2, 3, 4, padding=1), nn.Flatten())  # exported, then edited
    same_torch = nn.Sequential(nn.Conv1d(2, 3, 4, padding="same"), nn.Flatten())
    same_torch.load_state_dict(same.state_dict())
    def conv_bn_pools():
        # one per case: each case moves its model's running statistics before it is exported
        return nn.Sequential(nn.Conv2d(2, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.AvgPool2d(2),
                             nn.MaxPool2d(2), nn.Flatten(), nn.Linear(16, 2), nn.Sigmoid())
    conv_bn_pools_lines = [
        '{ type = "batchnorm", eps = 1e-05, momentum = 0.1, activation = "relu" },',
        '{ type = "avgpool2d", kernel = 2 },', '{ type = "maxpool2d", kernel = 2 },',
        '{ units = 2, activation = "sigmoid" },']
    return [
        ("dense", dense, (6,), torch.float32, None, None,
         ['{ units = 8, activation = "relu" },', '{ units = 3, activation = "softmax" },',
          'loss = "ce",']),
        ("dense_matmul_add", dense, (6,), torch.float32, gemm_to_matmul_add, None,
         ['{ units = 8, activation = "relu" },  -- from \'/0/Gemm/MatMul\', \'/0/Gemm/Add\', \'/1/Relu\'']),
        ("dense_nobias_dropout_double", nn.Sequential(
            nn.Linear(5, 4, bias=False), nn.Dropout(0.5), nn.Sigmoid(), nn.Linear(4, 2, bias=False),
            nn.Sigmoid()).double(), (5,), torch.float64, None, None,
         ['dtype = "double",', 'loss = "bce",']),
        ("relu_after_relu_and_sigmoid", nn.Sequential(
            nn.Linear(5, 4), nn.ReLU(), nn.ReLU(), nn.Linear(4, 3), nn.Sigmoid(), nn.ReLU(),
            nn.Linear(3, 2)), (5,), torch.float32, None, None,
         ['{ units = 4, activation = "relu" },  -- from \'/0/Gemm\', \'/1/Relu\', \'/2/Relu\'',
          '{ units = 3, activation = "sigmoid" },  -- from \'/3/Gemm\', \'/4/Sigmoid\', \'/5/Relu\'']),
        ("global_pool_head_softmax_flatten", nn.Sequential(
            nn.Conv2d(1, 3, 3), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Conv2d(3, 4, 1),
            nn.Softmax(dim=1), nn.Flatten()), (1, 6, 6), torch.float32, None, None,
         ['{ units = 4, activation = "softmax" },', 'loss = "ce",']),
        ("batchnorm1d_flat_double", nn.Sequential(
            nn.Linear(4, 6), nn.BatchNorm1d(6, eps=1e-3, momentum=0.2), nn.Tanh(),
            nn.Linear(6, 2)).double(), (4,), torch.float64, None, None,
         ['{ type = "batchnorm", eps = 0.001, momentum = 0.2, activation = "tanh" },',
          'loss = "mse",']),
        ("batchnorm_affine_false", nn.Sequential(
            nn.Linear(4, 3), nn.BatchNorm1d(3, affine=False), nn.ReLU(), nn.Linear(3, 2)), (4,),
         torch.float32, None, None, ['{ type = "batchnorm", eps = 1e-05, momentum = 0.1, activation = "relu" },']),
        ("conv1d", nn.Sequential(
            nn.Conv1d(3, 4, 3, stride=2, padding=2, dilation=2), nn.BatchNorm1d(4, momentum=0.3),
            nn.LeakyReLU(0.1), nn.MaxPool1d(2), nn.AvgPool1d(2, stride=1), nn.Flatten(),
            nn.Linear(16, 1), nn.Sigmoid()), (3, 20), torch.float32, None, None,
         ["input = { channels = 3, length = 20 },",
          '{ type = "conv1d", filters = 4, kernel = 3, stride = 2, padding = 2, dilation = 2, activation = "linear" },',
          '{ type = "batchnorm", eps = 1e-05, momentum = 0.3, activation = "leaky_relu", alpha = 0.1 },',
          '{ type = "maxpool1d", kernel = 2 },', '{ type = "avgpool1d", kernel = 2, stride = 1 },',
          '{ type = "flatten" },']),
        ("conv1d_reshape", nn.Sequential(nn.Conv1d(2, 4, 3), nn.ReLU(), nn.Flatten(),
                                         nn.Linear(24, 3)), (2, 8), torch.float32,
         flatten_to_reshape, None, ["{ type = \"flatten\" },  -- from '/2/Reshape'"]),
        ("conv1d_same_pads", same, (2, 9), torch.float32,
         lambda graph: set_attribute(graph, "Conv", "pads", [1, 2]), same_torch,
         ['{ type = "conv1d", filters = 3, kernel = 4, padding = "same", activation = "linear" },']),
        ("conv2d", nn.Sequential(
            nn.Conv2d(2, 4, (3, 2), stride=(2, 1), padding=(1, 0), dilation=(1, 2), groups=2),
            nn.ReLU(), nn.Conv2d(4, 4, 3, padding=1, groups=4, bias=False), nn.MaxPool2d((2, 1)),
            nn.Tanh(), nn.AvgPool2d(2, stride=1), nn.Flatten(), nn.Linear(12, 2)),
         (2, 9, 6), torch.float32, None, None,
         ['{ type = "conv2d", filters = 4, kernel = { 3, 2 }, stride = { 2, 1 }, padding = { 1, 0 }, '
          'dilation = { 1, 2 }, groups = 2, activation = "relu" },',
          '{ type = "conv2d", filters = 4, kernel = 3, padding = 1, groups = 4, bias = false, activation = "tanh" },',
          '{ type = "maxpool2d", kernel = { 2, 1 } },',
          '{ type = "avgpool2d", kernel = 2, stride = 1 },']),
        ("conv2d_bn_global", nn.Sequential(
            nn.Conv2d(3, 5, 3, bias=False), nn.BatchNorm2d(5), nn.ReLU(), nn.MaxPool2d(2),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(5, 3), nn.Softmax(dim=1)),
         (3, 8, 8), torch.float32, None, None,
         ["input = { channels = 3, height = 8, width = 8 },",
          '{ type = "batchnorm", eps = 1e-05, momentum = 0.1, activation = "relu" },',
          # a Flatten after GlobalAveragePool adds no layer (gradc's global_avgpool is flat)
          '{ type = "global_avgpool" },  -- from \'/4/GlobalAveragePool\'\n    { units = 3,']),
        ("conv1d_global_double", nn.Sequential(
            nn.Conv1d(2, 3, 3), nn.Sigmoid(), nn.AdaptiveAvgPool1d(1), nn.Flatten()).double(),
         (2, 7), torch.float64, None, None, ['{ type = "global_avgpool" },']),
        # an all-convolutional classifier: 1x1 convs after the global pool are dense layers, and a
        # ReLU after a pool of ReLU outputs is the identity
        ("conv2d_classifier_1x1", nn.Sequential(
            nn.Conv2d(2, 6, 3), nn.ReLU(), nn.AvgPool2d(2), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
            nn.BatchNorm2d(6), nn.Conv2d(6, 4, 1, groups=2), nn.LeakyReLU(0.2), nn.Conv2d(4, 3, 1),
            nn.Flatten(), nn.Softmax(dim=1)), (2, 8, 9), torch.float32, None, None,
         ['{ type = "avgpool2d", kernel = 2 },  -- from \'/2/AveragePool\', \'/3/Relu\'',
          '{ type = "global_avgpool" },',
          '{ units = 4, activation = "leaky_relu", alpha = 0.2 },  -- from \'/6/Conv\', \'/7/LeakyRelu\'',
          '{ units = 3, activation = "softmax" },  -- from \'/8/Conv\', \'/10/Softmax\'']),
        # a node name with line breaks stays inside its comment (escaped), so it cannot add spec code
        ("node_name_with_line_breaks", nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2)), (3,),
         torch.float32, rename_node("Relu", 'r\n  }, layers = { { units = 4, activation = "sigmoid" } },\r--'),
         None, ['{ units = 4, activation = "relu" },  -- from \'/0/Gemm\', \'r\\n  }, layers = { { units = 4, '
                'activation = "sigmoid" } },\\r--\'']),
        ("dense_opset7", dense, (6,), torch.float32, None, None,
         ['{ units = 8, activation = "relu" },', '{ units = 3, activation = "softmax" },']),
        ("conv_bn_pools_opset10", conv_bn_pools(), (2, 8, 8), torch.float32, None, None, conv_bn_pools_lines),
        ("conv_bn_pools_opset17", conv_bn_pools(), (2, 8, 8), torch.float32, None, None, conv_bn_pools_lines),
        ("conv1d_classifier_1x1", nn.Sequential(
            nn.Conv1d(2, 3, 3), nn.Sigmoid(), nn.AdaptiveAvgPool1d(1), nn.LeakyReLU(),
            nn.Conv1d(3, 2, 1, bias=False), nn.Sigmoid()), (2, 7), torch.float32, None, None,
         ['{ type = "global_avgpool" },  -- from \'/2/GlobalAveragePool\', \'/3/LeakyRelu\'',
          '{ units = 2, activation = "sigmoid" },', 'loss = "bce",']),
    ]


def build_predictor(gradc, cc, work, spec, weights):
    """gradc --weights (as make gen SPEC= WEIGHTS= runs it), then predict_main against it."""
    result = run([gradc, "--out", os.path.join(work, "gen"), "--weights", weights, spec])
    if result.returncode != 0:
        return None, "gradc: " + result.stderr.strip()
    name = run([gradc, "--name", spec]).stdout.strip()
    folder = os.path.join(work, "gen", name)
    program = os.path.join(work, "predict_" + name)
    result = run([cc] + STRICT + ["-DMODEL=" + name, "-DMODEL_UPPER=" + name.upper(),
                                  '-DMODEL_HEADER="%s.h"' % name, "-I" + folder, "-Itests/cross",
                                  "tests/onnx/predict_main.c", os.path.join(folder, name + ".c"),
                                  os.path.join(folder, name + "_weights.c"), "-o", program, "-lm"])
    if result.returncode != 0:
        return None, "cc: " + result.stderr.strip()
    return program, ""


def compare(label, program, model, input_shape, dtype):
    features = 1
    for extent in input_shape:
        features *= extent
    torch.manual_seed(1)
    # rounded to the model's type first: the C side reads them as that type
    inputs = (torch.rand(SAMPLES, features, dtype=torch.float64) * 4 - 2).to(dtype).to(torch.float64)
    text = "\n".join(" ".join(repr(float(v)) for v in row) for row in inputs.tolist()) + "\n"
    result = run([program], stdin=text)
    if result.returncode != 0:
        check(label + ": predict runs", False, result.stderr.strip())
        return
    lines = [[float(v) for v in line.split()] for line in result.stdout.splitlines()]
    with torch.no_grad():
        want = model(inputs.to(dtype).reshape((SAMPLES,) + tuple(input_shape))).reshape(SAMPLES, -1).tolist()
    for offset, function in ((0, "predict"), (1, "infer")):
        got = lines[offset::2]
        worst = max((abs(g - w) / max(1.0, abs(w)) for gr, wr in zip(got, want) for g, w in zip(gr, wr)),
                    default=float("inf"))
        ok = len(got) == SAMPLES and all(len(g) == len(w) for g, w in zip(got, want)) \
            and worst <= TOLERANCE[dtype]
        check("%s: <name>_%s agrees with torch to %g (largest difference %.2g)" % (
            label, function, TOLERANCE[dtype], worst), ok)


# Cases whose modules torch2gradc converts too (it needs a bias on every Linear): the same weights
# reach the same file by the two routes.
# the cases whose state_dict torch2gradc converts to the same file: all but the edited graphs;
# among them Linear(bias=False) (a zero bias), BatchNorm(affine=False) (gamma 1, beta 0) and 1x1
# Conv heads on the global pool (a dense W, block-diagonal for groups)
SAME_AS_TORCH2GRADC = ("dense", "dense_nobias_dropout_double", "relu_after_relu_and_sigmoid",
                       "global_pool_head_softmax_flatten", "batchnorm1d_flat_double",
                       "batchnorm_affine_false", "conv1d", "conv2d", "conv2d_bn_global",
                       "conv1d_global_double", "conv2d_classifier_1x1", "dense_opset7",
                       "conv_bn_pools_opset10", "conv_bn_pools_opset17", "conv1d_classifier_1x1")


def same_as_torch2gradc(gradc, label, work, model, spec, weights):
    state = os.path.join(work, "state_dict.pt")
    torch.save(model.state_dict(), state)
    from_torch = os.path.join(work, "from_torch2gradc.bin")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = TORCH2GRADC.main(["--spec", spec, "--gradc", gradc, "--state-dict", state,
                                   "-o", from_torch])
    same = status == 0 and open(from_torch, "rb").read() == open(weights, "rb").read()
    check(label + ": the weights file is byte for byte torch2gradc's from the state_dict", same,
          err.getvalue().strip())


def import_cases(gradc, cc, build):
    built = []
    for label, model, input_shape, dtype, edit, reference, expected_lines in cases():
        work = os.path.join(build, label)
        os.makedirs(work, exist_ok=True)
        norms = moved_statistics(model, input_shape, dtype)
        path = os.path.join(work, label + ".onnx")
        exported = export(model, input_shape, path, dtype, OPSETS.get(label, 13))
        if edit is not None:
            edit(exported.graph)
            onnx.checker.check_model(exported)
            save(exported, path)
        if norms:
            check(label + ": the running statistics moved from 0 and 1 before export",
                  all(not torch.equal(m.running_mean, torch.zeros_like(m.running_mean)) and
                      not torch.equal(m.running_var, torch.ones_like(m.running_var)) for m in norms))
        spec = os.path.join(work, "net.lua")
        weights = os.path.join(work, "net.bin")
        result = import_model(gradc, [path, "--spec", spec, "--weights", weights, "--name", label])
        check(label + ": imports", result.returncode == 0, result.stderr.strip())
        if result.returncode != 0:
            continue
        with open(spec, encoding="utf-8") as f:
            text = f.read()
        missing = [line for line in expected_lines if line not in text]
        check(label + ": the spec has the expected layers and loss", not missing,
              "missing %s in:\n%s" % (missing, text))
        if label in SAME_AS_TORCH2GRADC:
            same_as_torch2gradc(gradc, label, work, model, spec, weights)
        built.append((label, work, spec, weights, reference or model, input_shape, dtype))
    # the C builds dominate the run time: they go in parallel (the imports above share this
    # process's redirected stdout, so they stay serial)
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        programs = list(pool.map(lambda case: build_predictor(gradc, cc, *case[1:4]), built))
    for (label, _, _, _, model, input_shape, dtype), (program, problem) in zip(built, programs):
        check(label + ": generates and builds with -Werror", program is not None, problem)
        if program is not None:
            compare(label, program, model, input_shape, dtype)


# ---- the user's commands --------------------------------------------------------------------

def make_commands(gradc, cc, build):
    """make import, with its defaults (NAME from the file name, BATCH 32), then make gen."""
    work = os.path.join(build, "make")
    os.makedirs(work, exist_ok=True)
    torch.manual_seed(5)
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.Flatten(), nn.Linear(18, 2))
    path = os.path.join(work, "Tiny-CNN.onnx")
    export(model, (1, 5, 5), path)
    spec, weights = os.path.join(work, "tiny.lua"), os.path.join(work, "tiny.bin")
    result = run(["make", "--no-print-directory", "-s", "import", "GRADC=" + gradc, "ONNX=" + path,
                  "SPEC=" + spec, "WEIGHTS=" + weights])
    check("make import ONNX= SPEC= WEIGHTS= writes both", result.returncode == 0 and
          os.path.isfile(spec) and os.path.isfile(weights), result.stderr.strip())
    if result.returncode != 0:
        return
    with open(spec, encoding="utf-8") as f:
        text = f.read()
    check("make import: NAME defaults to the file name, BATCH to 32",
          'name = "tiny_cnn",' in text and "batch = 32," in text, text)
    out = os.path.join(work, "out")
    result = run(["make", "--no-print-directory", "-s", "gen", "GRADC=" + gradc, "SPEC=" + spec,
                  "WEIGHTS=" + weights, "OUT=" + out])
    check("make gen SPEC= WEIGHTS= accepts them", result.returncode == 0, result.stderr.strip())
    result = run(["make", "--no-print-directory", "-s", "import", "GRADC=" + gradc, "ONNX=" + path,
                  "SPEC=" + spec, "WEIGHTS=" + weights, "NAME=small", "BATCH=4"])
    with open(spec, encoding="utf-8") as f:
        text = f.read()
    check("make import NAME= BATCH= are used", result.returncode == 0 and 'name = "small",' in text
          and "batch = 4," in text, result.stderr.strip() + text)
    result = run(["make", "--no-print-directory", "-s", "import", "GRADC=" + gradc, "ONNX=" + path,
                  "WEIGHTS=" + weights])
    check("make import without SPEC= refuses (it would overwrite the default example spec)",
          result.returncode != 0 and "give ONNX=model.onnx SPEC=net.lua WEIGHTS=net.bin" in result.stderr,
          result.stderr)
    # the files get the umask's mode (new) or keep theirs (replaced); a symbolic link stays one
    fresh_spec, fresh_weights = os.path.join(work, "fresh.lua"), os.path.join(work, "fresh.bin")
    for old in (fresh_spec, fresh_weights):
        if os.path.lexists(old):
            os.remove(old)
    umask = os.umask(0o022)
    try:
        result = import_model(gradc, [path, "--spec", fresh_spec, "--weights", fresh_weights])
    finally:
        os.umask(umask)
    modes = [stat.S_IMODE(os.stat(p).st_mode) for p in (fresh_spec, fresh_weights)]
    check("onnx2gradc under umask 022 writes new files 0644", result.returncode == 0 and modes == [0o644] * 2,
          "%s %s" % (result.stderr, [oct(m) for m in modes]))
    os.chmod(fresh_spec, 0o640)
    real_weights = os.path.join(work, "real.bin")
    if os.path.lexists(real_weights):
        os.remove(real_weights)
    os.replace(fresh_weights, real_weights)
    os.symlink("real.bin", fresh_weights)
    result = import_model(gradc, [path, "--spec", fresh_spec, "--weights", fresh_weights, "--name", "linked"])
    with open(fresh_spec, encoding="utf-8") as f:
        renamed = 'name = "linked",' in f.read()
    check("onnx2gradc keeps a replaced file's mode and writes through a symbolic link",
          result.returncode == 0 and renamed and stat.S_IMODE(os.stat(fresh_spec).st_mode) == 0o640
          and os.path.islink(fresh_weights) and os.readlink(fresh_weights) == "real.bin",
          result.stderr)
    missing = os.path.join(work, "no such folder")
    for target in ("SPEC", "WEIGHTS"):
        paths = {"SPEC": spec, "WEIGHTS": weights, target: os.path.join(missing, "x")}
        before = {p: open(p, "rb").read() for p in (spec, weights)}
        result = import_model(gradc, [path, "--spec", paths["SPEC"], "--weights", paths["WEIGHTS"]])
        check("onnx2gradc with %s in a missing folder: one line naming it, nothing written" % target,
              result.returncode == 1 and result.stderr == "onnx2gradc: cannot write %s: no folder %s\n" % (
                  paths[target], missing) and before == {p: open(p, "rb").read() for p in (spec, weights)},
              result.stderr)
    program, problem = build_predictor(gradc, cc, work, spec, weights)
    check("make import: the model builds", program is not None, problem)
    if program is not None:
        compare("make import", program, model, (1, 5, 5), torch.float32)


# ---- the quickstart in docs/import.md ---------------------------------------------------------

QUICKSTART = os.path.join("docs", "import.md")


def quickstart_blocks():
    """The python, sh and c blocks of the doc's Quickstart section, in that order."""
    with open(QUICKSTART, encoding="utf-8") as f:
        text = f.read()
    section = text.split("\n## Quickstart", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```(python|sh|c)\n(.*?)```", section, re.S)
    return [kind for kind, _ in blocks], [body for _, body in blocks]


def quickstart(gradc, cc, build):
    """The doc's commands as written, in a scratch folder: the Python block runs there, the make
    lines run at the project root with their file arguments (ONNX=, SPEC=, WEIGHTS=) and OUT= put
    in that folder, the cc line runs there; the program's output must be the model's."""
    work = os.path.abspath(os.path.join(build, "quickstart"))
    os.makedirs(work, exist_ok=True)
    kinds, (python, commands, program) = quickstart_blocks()
    if kinds != ["python", "sh", "c"]:
        check("%s: the Quickstart has a python, an sh and a c block" % QUICKSTART, False, str(kinds))
        return
    namespace = {}
    here = os.getcwd()
    os.chdir(work)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            exec(compile(python, QUICKSTART + " (python block)", "exec"), namespace)  # pylint: disable=exec-used
    finally:
        os.chdir(here)
    with open(os.path.join(work, "app.c"), "w", encoding="utf-8") as f:
        f.write(program)
    for line in commands.strip().splitlines():
        words = line.split()
        if words[0] == "make":
            words = [re.sub(r"^(ONNX|SPEC|WEIGHTS)=(.*)", lambda m: "%s=%s" % (
                m.group(1), os.path.join(work, m.group(2))), w) for w in words]
            result = run(words + ["GRADC=" + gradc, "OUT=" + os.path.join(work, "out")])
        else:
            result = run([cc if words[0] == "cc" else words[0]] + words[1:], cwd=work)
        check("%s: `%s` runs" % (QUICKSTART, line), result.returncode == 0, result.stderr.strip())
        if result.returncode != 0:
            return
    result = run([os.path.join(work, "app")])
    model = namespace["model"]
    image = torch.zeros(1, 1, 8, 8)
    image.view(-1)[27] = 1.0  # the x[27] = 1.0f of app.c
    with torch.no_grad():
        want = model(image).reshape(-1).tolist()
    got = [float(v) for v in result.stdout.split()]
    worst = max((abs(g - w) for g, w in zip(got, want)), default=float("inf"))
    # app.c prints 6 decimals (rounding by at most 5e-7) of float results (about 1e-7 from torch)
    check("%s: app prints the model's outputs (largest difference %.2g)" % (QUICKSTART, worst),
          len(got) == len(want) and worst <= 1e-6, result.stdout + result.stderr)


# ---- refusals -------------------------------------------------------------------------------

def retyped_initializer(graph, name, dtype):
    """The initializer's values stored with another element type (the checker does not compare
    them with the node's other inputs)."""
    tensor = initializer(graph, name)
    values = onnx.numpy_helper.to_array(tensor).astype(dtype)
    tensor.CopyFrom(onnx.numpy_helper.from_array(values, name))


def truncate_initializer(graph, name):
    """Half of the initializer's raw data, as a damaged file would have it."""
    tensor = initializer(graph, name)
    tensor.raw_data = tensor.raw_data[:len(tensor.raw_data) // 2]


def external_initializer(graph, name, location):
    """The initializer's data moved to an external file named `location` (which need not exist:
    the importer must refuse before reading anything)."""
    tensor = initializer(graph, name)
    tensor.ClearField("raw_data")
    tensor.ClearField("float_data")
    tensor.data_location = onnx.TensorProto.EXTERNAL
    entry = tensor.external_data.add()
    entry.key, entry.value = "location", location


def negative_dims(graph, name):
    """[2, 3] declared as [2, -3]: numpy would take -3 as "whatever fits"."""
    tensor = initializer(graph, name)
    tensor.dims[1] = -tensor.dims[1]


def bfloat16_initializer(graph, name):
    """The initializer stored as bfloat16 (numpy_helper turns it back into float32)."""
    tensor = initializer(graph, name)
    values = onnx.numpy_helper.to_array(tensor).astype("float32").reshape(-1)
    halves = (values.view("uint32") >> 16).astype("uint16")
    tensor.ClearField("raw_data")
    tensor.ClearField("float_data")
    tensor.data_type = onnx.TensorProto.BFLOAT16
    tensor.int32_data.extend(int(v) for v in halves)


def one_stride(graph):
    """A 2-D Conv's strides given as one value (ONNX wants one per spatial axis)."""
    conv = next(n for n in graph.node if n.op_type == "Conv")
    for attribute in conv.attribute:
        if attribute.name == "strides":
            del attribute.ints[1:]


def refusal_models():
    """(label, model, input shape, edit, the expected stderr line with {path} for the model)."""
    torch.manual_seed(0)
    flat = nn.Sequential(nn.Linear(3, 2))

    def non_zero_pad_value(graph):
        value = "pad_value"
        graph.initializer.append(onnx.numpy_helper.from_array(
            __import__("numpy").array(1.5, dtype="float32"), value))
        pad = next(n for n in graph.node if n.op_type == "Pad")
        pad.input.append(value)

    def reshaped_initializer(name, dims):
        def edit(graph):
            del initializer(graph, name).dims[:]
            initializer(graph, name).dims.extend(dims)
        return edit

    def batch_dimension(size):
        def edit(graph):
            graph.input[0].type.tensor_type.shape.dim[0].dim_value = size
        return edit

    def opset(version):
        @on_model
        def edit(model):
            model.opset_import[0].version = version
        return edit

    @on_model
    def reshape_allowzero(model):
        model.opset_import[0].version = 14  # the first with allowzero
        flatten_to_reshape(model.graph, (0, -1))
        set_attribute(model.graph, "Reshape", "allowzero", 1)

    newest = onnx.defs.onnx_opset_version()
    supported = ONNX2GRADC.SUPPORTED
    return [
        ("a Gemm bias of shape [units, 1] (one value per sample)", flat, (3,),
         reshaped_initializer("0.bias", [2, 1]),
         "onnx2gradc: {path}: node '/0/Gemm' (Gemm): its bias C has shape [2, 1], expected [2] or [1, 2] "
         "(one value per unit, the same for every sample) (supported: %s)" % supported),
        ("a Conv bias of shape [filters, 1]", nn.Sequential(nn.Conv1d(1, 2, 3)), (1, 6),
         reshaped_initializer("0.bias", [2, 1]),
         "onnx2gradc: {path}: node '/0/Conv' (Conv): its bias has shape [2, 1], expected [2] (one per "
         "filter) (supported: %s)" % supported),
        ("a batch dimension of 0", flat, (3,), batch_dimension(0),
         "onnx2gradc: {path}: input 'onnx::Gemm_0' has a batch dimension of 0; it is a size >= 1 or a "
         "name (a batch that may vary)"),
        ("a Reshape with allowzero and a 0", nn.Sequential(nn.Conv1d(1, 2, 3), nn.Flatten(), nn.Linear(8, 2)),
         (1, 6), reshape_allowzero,
         "onnx2gradc: {path}: node '/1/Reshape' (Reshape): allowzero = 1 with a 0 in the shape [0, -1] "
         "(supported: Reshape to [N, -1], [-1, 8] or [N, 8], or [0, -1] without allowzero)"),
        ("a float16 input", flat, (3,), lambda graph: setattr(graph.input[0].type.tensor_type, "elem_type", 10),
         "onnx2gradc: {path}: input 'onnx::Gemm_0' has element type 10 (float16); gradc takes float (1) "
         "or double (11)"),
        ("opset 6", flat, (3,), opset(6),
         "onnx2gradc: {path}: the model imports opset 6 of the ONNX operators; gradc reads opsets 7 to "
         "%d (torch.onnx.export writes 13 by default)" % newest),
        ("an opset newer than the onnx package knows", flat, (3,), opset(1000000),
         "onnx2gradc: {path}: the model imports opset 1000000 of the ONNX operators; gradc reads opsets 7 "
         "to %d (torch.onnx.export writes 13 by default)" % newest),
        ("an unsupported operator (Transpose)", nn.Sequential(nn.Conv1d(2, 3, 3), Transpose()), (2, 6), None,
         "onnx2gradc: {path}: node '/1/Transpose' (Transpose): operator Transpose is not supported "
         "(supported: %s)" % supported),
        ("an unsupported operator (GELU)", nn.Sequential(nn.Linear(3, 2), nn.GELU()), (3,), None,
         "onnx2gradc: {path}: node '/1/Div' (Div): operator Div is not supported (supported: %s)" % supported),
        ("MaxPool ceil_mode = 1", nn.Sequential(nn.Conv2d(1, 2, 2), nn.MaxPool2d(2, ceil_mode=True)),
         (1, 6, 6), None,
         "onnx2gradc: {path}: node '/1/MaxPool' (MaxPool): ceil_mode = 1: gradc's pools round the "
         "output size down (supported: MaxPool with pads 0, ceil_mode 0, dilations 1, one output)"),
        ("MaxPool padding", nn.Sequential(nn.Conv2d(1, 2, 2), nn.MaxPool2d(2, padding=1)),
         (1, 6, 6), None,
         "onnx2gradc: {path}: node '/1/MaxPool' (MaxPool): pads [1, 1, 1, 1]: gradc's pools have no "
         "padding (supported: MaxPool with pads 0, ceil_mode 0, dilations 1, one output)"),
        ("AvgPool padding (non-zero pads)", nn.Sequential(nn.Conv2d(1, 2, 2), nn.AvgPool2d(2, padding=1)),
         (1, 6, 6), None,
         "onnx2gradc: {path}: node '/1/Pad' (Pad): pads [0, 0, 1, 1, 0, 0, 1, 1] are not all 0 "
         "(nn.AvgPool with padding?): gradc's pools have no padding (supported: Pad with all pads "
         "0, as PyTorch 1.13 writes in front of an AveragePool)"),
        ("a non-zero pad value", nn.Sequential(nn.Conv1d(1, 2, 2), nn.AvgPool1d(2)), (1, 7),
         non_zero_pad_value,
         "onnx2gradc: {path}: node '/1/Pad' (Pad): pad value 1.5 is not 0 (supported: Pad with all "
         "pads 0, as PyTorch 1.13 writes in front of an AveragePool)"),
        ("Gemm with transA", flat, (3,), lambda graph: set_attribute(graph, "Gemm", "transA", 1),
         "onnx2gradc: {path}: node '/0/Gemm' (Gemm): transA = 1; gradc maps transA = 0 (supported: "
         "Gemm with transA = 0, alpha = 1, beta = 1, as nn.Linear exports)"),
        ("Gemm with alpha", flat, (3,), lambda graph: set_attribute(graph, "Gemm", "alpha", 0.5),
         "onnx2gradc: {path}: node '/0/Gemm' (Gemm): alpha = 0.5; gradc maps alpha = 1 (supported: "
         "Gemm with transA = 0, alpha = 1, beta = 1, as nn.Linear exports)"),
        ("a model the ONNX checker refuses (an attribute Gemm does not have)", flat, (3,),
         lambda graph: set_attribute(graph, "Gemm", "gamma", 2.0),
         "onnx2gradc: {path}: not a valid ONNX model (Unrecognized attribute: gamma for operator Gemm)"),
        ("unequal conv pads that are not \"same\"", nn.Sequential(nn.Conv1d(1, 2, 3, padding=1)), (1, 6),
         lambda graph: set_attribute(graph, "Conv", "pads", [0, 2]),
         "onnx2gradc: {path}: node '/0/Conv' (Conv): pads [0, 2] are unequal on the two sides, and "
         "not PyTorch's padding=\"same\" (supported: Conv with equal pads on both sides of each "
         "dimension, or the split of padding=\"same\" (stride 1, the odd zero after))"),
        ("a residual connection", nn.Sequential(Residual()), (3,), None,
         "onnx2gradc: {path}: node '/0/Add' (Add): its second input 'onnx::Gemm_0' is computed in "
         "the graph, not a constant: gradc imports a chain of layers without branches (an "
         "nn.Sequential) (supported: a chain of %s)" % supported),
        ("a conv stride of 0", nn.Sequential(nn.Conv1d(1, 2, 3)), (1, 6),
         lambda graph: set_attribute(graph, "Conv", "strides", [0]),
         "onnx2gradc: {path}: node '/0/Conv' (Conv): strides [0]: each must be at least 1 "
         "(supported: Conv with kernel sizes, strides, dilations and groups >= 1, pads >= 0)"),
        ("an activation after an average pool", nn.Sequential(nn.Conv1d(1, 2, 2), nn.AvgPool1d(2), nn.ReLU()),
         (1, 7), None,
         "onnx2gradc: {path}: node '/2/Relu' (Relu): it follows the avgpool1d layer of node "
         "'/1/AveragePool', which takes no activation (supported: an activation right after Gemm, "
         "MatMul (+ Add), Conv or BatchNormalization (Flatten or MaxPool between))"),
        ("an activation after an average pool of data that may be negative",
         nn.Sequential(nn.Conv1d(1, 2, 2), nn.Sigmoid(), nn.Conv1d(2, 2, 1), nn.AvgPool1d(2), nn.ReLU()),
         (1, 7), None,
         "onnx2gradc: {path}: node '/4/Relu' (Relu): it follows the avgpool1d layer of node "
         "'/3/AveragePool', which takes no activation (supported: an activation right after Gemm, "
         "MatMul (+ Add), Conv or BatchNormalization (Flatten or MaxPool between))"),
        ("a 3x3 Conv after the global pool",
         nn.Sequential(nn.Conv2d(1, 2, 2), nn.AdaptiveAvgPool2d(1), nn.Conv2d(2, 3, 3, padding=1)),
         (1, 5, 5), None,
         "onnx2gradc: {path}: node '/2/Conv' (Conv): kernel [3, 3], pads [1, 1, 1, 1] on the input "
         "of shape [2, 1, 1] (supported: Conv with a 1x1 kernel and no padding after "
         "GlobalAveragePool (a dense layer), or a Conv on [N, channels, length] or [N, channels, "
         "height, width])"),
        ("a pool after the global pool",
         nn.Sequential(nn.Conv2d(1, 2, 2), nn.AdaptiveAvgPool2d(1), nn.MaxPool2d(1)), (1, 5, 5), None,
         "onnx2gradc: {path}: node '/2/MaxPool' (MaxPool): its input has shape [2, 1, 1] per "
         "sample; MaxPool takes [N, channels, length] or [N, channels, height, width] "
         "(supported: %s)" % supported),
        ("a softmax over a unit dimension",
         nn.Sequential(nn.Conv2d(1, 2, 2), nn.AdaptiveAvgPool2d(1), nn.Conv2d(2, 3, 1), nn.Softmax(dim=-1)),
         (1, 5, 5), None,
         "onnx2gradc: {path}: node '/3/Softmax' (Softmax): softmax over axis -1 of shape [N, 3, 1, 1] "
         "(supported: Softmax over the features of a flat output ([N, features], axis 1), as the last node)"),
        ("a LeakyRelu slope gradc does not take", nn.Sequential(nn.Linear(3, 2), nn.LeakyReLU(1.5)), (3,), None,
         "onnx2gradc: {path}: node '/1/LeakyRelu' (LeakyRelu): alpha = 1.5: gradc's leaky_relu slope is in "
         "[0, 1) (supported: LeakyRelu with 0 <= alpha < 1)"),
        ("a batchnorm epsilon of 0", nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2, eps=0.0)), (3,), None,
         "onnx2gradc: {path}: node '/1/BatchNormalization' (BatchNormalization): epsilon = 0.0: gradc's "
         "batchnorm eps is > 0 (supported: BatchNormalization with epsilon > 0)"),
        ("a node name with a line break, in a message", nn.Sequential(nn.Conv1d(1, 2, 2), nn.Softmax(dim=1)),
         (1, 5), rename_node("Softmax", "soft\nmax"),
         "onnx2gradc: {path}: node 'soft\\nmax' (Softmax): softmax over axis 1 of shape [N, 2, 4] "
         "(supported: Softmax over the features of a flat output ([N, features], axis 1), as the last node)"),
        ("a Reshape that changes the batch", nn.Sequential(nn.Conv1d(1, 2, 3), nn.Flatten(), nn.Linear(8, 2)),
         (1, 6), lambda graph: flatten_to_reshape(graph, (2, -1)),
         "onnx2gradc: {path}: node '/1/Reshape' (Reshape): it reshapes to [2, -1], a batch of 2, but the "
         "graph's input has a batch of 1 (supported: Reshape to [N, -1], [-1, 8], [0, -1] or [N, 8])"),
        ("two activations in a row", nn.Sequential(nn.Linear(3, 2), nn.ReLU(), nn.Sigmoid()), (3,), None,
         "onnx2gradc: {path}: node '/2/Sigmoid' (Sigmoid): the dense layer of node '/0/Gemm' already "
         "has activation relu (supported: an activation right after Gemm, MatMul (+ Add), Conv or "
         "BatchNormalization (Flatten or MaxPool between))"),
        ("a weight of another element type than the input (int64)", flat, (3,),
         lambda graph: retyped_initializer(graph, "0.weight", "int64"),
         "onnx2gradc: {path}: node '/0/Gemm' (Gemm): its Gemm '/0/Gemm' weight has element type int64, but "
         "the model's input is float32 (one element type throughout, as ONNX requires) (supported: "
         "float32 or float64 models with parameters of the input's element type)"),
        ("an initializer whose data is shorter than its shape", flat, (3,),
         lambda graph: truncate_initializer(graph, "0.weight"),
         "onnx2gradc: {path}: initializer '0.weight' (dims [2, 3]): its data does not match its shape "
         "and element type (cannot reshape array of size 3 into shape (2,3))"),
        ("an initializer with its data in an external file", flat, (3,),
         lambda graph: external_initializer(graph, "0.weight", "a/../../../etc/passwd"),
         "onnx2gradc: {path}: tensor '0.weight' keeps its data in an external file; gradc imports "
         "models that hold their weights (onnx.save_model(model, path, save_as_external_data=False))"),
        ("an initializer with a negative dimension", flat, (3,),
         lambda graph: negative_dims(graph, "0.weight"),
         "onnx2gradc: {path}: initializer '0.weight' has dims [2, -3] (each must be at least 1)"),
        ("a bfloat16 weight in a float32 model", flat, (3,),
         lambda graph: bfloat16_initializer(graph, "0.weight"),
         "onnx2gradc: {path}: tensor '0.weight' has element type bfloat16; gradc takes float32 or "
         "float64 parameters, the model input's type"),
        ("a 2-D Conv with one stride for both axes", nn.Sequential(nn.Conv2d(1, 2, 3, stride=2)), (1, 7, 7),
         one_stride,
         "onnx2gradc: {path}: node '/0/Conv' (Conv): strides [2]: expected 2 values for its 2-D input "
         "(supported: Conv with one value per spatial axis)"),
        ("a softmax over channels", nn.Sequential(nn.Conv1d(1, 2, 2), nn.Softmax(dim=1)), (1, 5), None,
         "onnx2gradc: {path}: node '/1/Softmax' (Softmax): softmax over axis 1 of shape [N, 2, 4] "
         "(supported: Softmax over the features of a flat output ([N, features], axis 1), as the last node)"),
        # found by a random probe: the importer moved the softmax across the Flatten onto the conv,
        # and gradc then refused the spec without naming a node
        ("a softmax over a flattened conv output",
         nn.Sequential(nn.Conv1d(3, 4, 2, padding=2), nn.Flatten(), nn.Softmax(dim=1)), (3, 6), None,
         "onnx2gradc: {path}: node '/2/Softmax' (Softmax): it would be the activation of the conv1d "
         "layer of node '/0/Conv', whose output [4, 9] is not flat (a Flatten between does not make "
         "it a layer of its own) (supported: Softmax right after Gemm, MatMul (+ Add) or a "
         "BatchNormalization of flat features, as the last node)"),
        # found by a random probe: nn.Linear(1, 5) on a one-channel pool's [N, 1, 1] gives [N, 1, 5],
        # whose Softmax(dim=1) is over the unit axis (all ones); imported as a dense layer of one
        # feature, it gave a softmax over the 5 outputs instead
        ("a Linear on a global pool's unit dimension",
         nn.Sequential(nn.Conv1d(1, 1, 3), nn.AdaptiveAvgPool1d(1), nn.Linear(1, 5), nn.Softmax(dim=1)),
         (1, 9), None,
         "onnx2gradc: {path}: node '/2/MatMul' (MatMul): its input is [1, 1] per sample, a global "
         "pool's unit dimension last: MatMul would multiply that, not the features (a Flatten before "
         "the Linear makes them flat) (supported: MatMul of [N, features] by a constant [features, "
         "units] (+ Add of a constant [units]))"),
    ]


def unchanged(paths, before):
    return all((open(p, "rb").read() if os.path.exists(p) else None) == before[p] for p in paths)


def refusals(gradc, build):
    work = os.path.join(build, "refusals")
    os.makedirs(work, exist_ok=True)
    existing = (os.path.join(work, "old.lua"), os.path.join(work, "old.bin"))
    absent = (os.path.join(work, "new.lua"), os.path.join(work, "new.bin"))
    for number, (label, model, input_shape, edit, expected) in enumerate(refusal_models()):
        path = os.path.join(work, "refused%d.onnx" % number)
        exported = export(model, input_shape, path)
        if edit is not None:
            edit(exported if getattr(edit, "takes_model", False) else exported.graph)
            save(exported, path)
        for targets in (existing, absent):
            for target in absent:
                if os.path.exists(target):
                    os.remove(target)
            with open(existing[0], "w", encoding="utf-8") as f:
                f.write("-- an earlier spec\n")
            with open(existing[1], "wb") as f:
                f.write(b"earlier weights\0")
            before = {p: (open(p, "rb").read() if os.path.exists(p) else None) for p in existing + absent}
            result = import_model(gradc, [path, "--spec", targets[0], "--weights", targets[1]])
            lines = result.stderr.strip().splitlines()
            want = expected.format(path=path)
            which = "existing" if targets is existing else "absent"
            check("refuses %s (%s files)" % (label, which), result.returncode == 1 and lines == [want],
                  "status %d, stderr %r, expected %r" % (result.returncode, result.stderr, want))
            check("refuses %s: leaves the %s SPEC and WEIGHTS as they were" % (label, which),
                  unchanged(existing + absent, before))
    # SPEC or WEIGHTS naming the model itself (or a link to it) would replace it
    path = os.path.join(work, "precious.onnx")
    export(nn.Sequential(nn.Linear(2, 2)), (2,), path)
    link = os.path.join(work, "precious-link.lua")
    if os.path.lexists(link):
        os.remove(link)
    os.symlink("precious.onnx", link)
    with open(path, "rb") as f:
        original = f.read()
    for option, target in (("--spec", path), ("--weights", path), ("--spec", link)):
        others = {"--spec": absent[0], "--weights": absent[1], option: target}
        result = import_model(gradc, [path, "--spec", others["--spec"], "--weights", others["--weights"]])
        with open(path, "rb") as f:
            kept = f.read() == original
        want = "onnx2gradc: %s %s is the ONNX model itself, which writing it would replace\n" % (option, target)
        check("refuses %s naming the ONNX model (%s), which it leaves as it was" % (option, os.path.basename(target)),
              result.returncode == 1 and result.stderr == want and kept
              and not os.path.exists(absent[0]) and not os.path.exists(absent[1]), result.stderr)
    # a NAME with a quote in it is a string of the spec, not spec code after it (it had ended the
    # name's literal: NAME='x", optimizer = { lr = 0.5 }, --' wrote that optimizer); gradc refuses it
    injected = 'inj", optimizer = { type = "sgd", lr = 0.5 }, --'
    result = import_model(gradc, [path, "--spec", absent[0], "--weights", absent[1], "--name", injected])
    check("refuses a --name holding spec code, as a name", result.returncode == 1
          and "gradc refuses the spec made from it: %s: name: not a valid name (got \"inj\\\"" % absent[0]
          in result.stderr and len(result.stderr.splitlines()) == 1
          and not os.path.exists(absent[0]) and not os.path.exists(absent[1]), result.stderr)
    # an empty SPEC= or WEIGHTS= (make passes it on as an empty argument)
    for option, variable in (("--spec", "SPEC"), ("--weights", "WEIGHTS")):
        others = {"--spec": absent[0], "--weights": absent[1], option: ""}
        result = import_model(gradc, [path, "--spec", others["--spec"], "--weights", others["--weights"]])
        want = "onnx2gradc: %s (%s=) is empty: give the file to write\n" % (option, variable)
        check("refuses an empty %s in one line" % option, result.returncode == 1 and result.stderr == want
              and not os.path.exists(absent[0]) and not os.path.exists(absent[1]), result.stderr)
    # a file that is not ONNX: protobuf's decoder warns before it fails, and only the failure shows
    path = os.path.join(work, "text.onnx")
    with open(path, "w", encoding="utf-8") as f:
        f.write("hello world\n")
    result = import_model(gradc, [path, "--spec", absent[0], "--weights", absent[1]])
    check("refuses a text file in one line (%s)" % result.stderr.strip(),
          result.returncode == 1 and len(result.stderr.splitlines()) == 1
          and result.stderr.startswith("onnx2gradc: %s: not a valid ONNX model (" % path), result.stderr)
    # a spec gradc itself refuses (here: its name) is reported with the user's SPEC path
    path = os.path.join(work, "math.onnx")
    export(nn.Sequential(nn.Linear(2, 2)), (2,), path)
    result = import_model(gradc, [path, "--spec", absent[0], "--weights", absent[1]])
    check("refuses a name gradc refuses, naming SPEC as given (%s)" % result.stderr.strip(),
          result.returncode == 1 and result.stderr.startswith(
              "onnx2gradc: %s: gradc refuses the spec made from it: %s: name: " % (path, absent[0]))
          and not os.path.exists(absent[0]) and not os.path.exists(absent[1]), result.stderr)


def main():
    gradc, build, cc = sys.argv[1:4]
    os.makedirs(build, exist_ok=True)
    import_cases(gradc, cc, build)
    make_commands(gradc, cc, build)
    quickstart(gradc, cc, build)
    refusals(gradc, build)
    print("onnx2gradc: %d passed, %d failed" % (len(passed), len(failed)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
