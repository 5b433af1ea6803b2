#!/usr/bin/env python3
"""torch2gradc: trained weights from PyTorch or NumPy into a gradc weights file.

    torch2gradc.py --spec net.lua   --state-dict model.pt -o net.bin
    torch2gradc.py --header out/net/net.h --npy weights_dir/ -o net.bin

Sources:
  --state-dict FILE  a torch.save()d state_dict of an nn.Sequential of Linear layers (activations in
                     between have no parameters), e.g. {"0.weight", "0.bias", "2.weight", ...}.
                     Loaded with torch.load(weights_only=True): no pickled code runs.
  --npy DIR          W1.npy b1.npy W2.npy b2.npy ... (b<l> may be (n,) or the seeds' (n, 1)).

The architecture comes from the header gradc generated for the spec (--header), or gradc is run on
the spec into a temporary folder to get it (--spec; --gradc names the binary, default
gen/build/gradc next to this script). From the header: the dtype (typedef), the tensors and their
shapes (the <name>_params struct, in order), and each layer's activation and alpha (the banner).
The architecture hash is recomputed from them exactly as gen/architecture.lua does and must equal
the header's <NAME>_ARCH_HASH, so a header this script misreads is refused, never converted.

Every tensor's shape is checked against the spec; values are written as float32 or float64 by the
spec's dtype (a float64 source into a float spec is rounded to nearest) and must be finite. The file
format is the one at the top of templates/model_io.c.in. Exit status 0 on success, 1 with one
message on stderr otherwise; the output file is written only on success.
"""
import argparse
import os
import re
import struct
import subprocess
import sys
import tempfile

MAGIC = b"GRADCWT\0"
FORMAT_VERSION = 1
DTYPE_CODES = {"float": 1, "double": 2}
FNV_OFFSET = 0xCBF29CE484222325
FNV_PRIME = 0x100000001B3
MASK64 = (1 << 64) - 1


class Refused(Exception):
    """A user error: printed as one line, exit status 1."""


def fnv1a64(data, value=FNV_OFFSET):
    for byte in data:
        value = ((value ^ byte) * FNV_PRIME) & MASK64
    return value


def shortest(value):
    """gen/emit.lua's shortest(): the fewest %g digits that read back as exactly this double."""
    for digits in range(1, 18):
        text = "%.*g" % (digits, value)
        if float(text) == value:
            return text
    return "%.17g" % value


# ---- the architecture, from a generated header ------------------------------------------------

class Layer:
    def __init__(self, index, n_in, n_out, activation, alpha):
        self.index, self.n_in, self.n_out = index, n_in, n_out
        self.activation, self.alpha = activation, alpha


class Architecture:
    """What a weights file must match: name, dtype, input, layers, and the hash of them."""

    def __init__(self, name, dtype, inputs, layers, header_hash, param_count):
        self.name, self.dtype, self.inputs, self.layers = name, dtype, inputs, layers
        self.header_hash, self.param_count = header_hash, param_count

    def text(self):
        """gen/architecture.lua's canonical text."""
        parts = ["gradc-arch-1", "input=%d" % self.inputs, "dtype=" + self.dtype]
        for layer in self.layers:
            text = "layer=%d,%s" % (layer.n_out, layer.activation)
            if layer.alpha is not None:
                text += ",alpha=" + shortest(layer.alpha)
            parts.append(text)
        return ";".join(parts)

    def hash(self):
        return fnv1a64(self.text().encode("ascii"))


def define(header, path, name, pattern=r"(\d+)"):
    match = re.search(r"^#define %s\s+%s" % (re.escape(name), pattern), header, re.M)
    if not match:
        raise Refused("%s: no #define %s: not a header gradc generated?" % (path, name))
    return match.group(1)


def read_header(path):
    try:
        with open(path, encoding="utf-8") as f:
            header = f.read()
    except OSError as err:
        raise Refused("%s: cannot read: %s" % (path, err.strerror)) from None
    match = re.search(r"^typedef (float|double) ([a-z_][a-z0-9_]*)_real;", header, re.M)
    if not match:
        raise Refused("%s: no 'typedef float|double <name>_real;': not a header gradc generated?" % path)
    dtype, name = match.group(1), match.group(2)
    upper = name.upper()
    inputs = int(define(header, path, upper + "_INPUTS"))
    param_count = int(define(header, path, upper + "_PARAM_COUNT"))
    header_hash = int(define(header, path, upper + "_ARCH_HASH", r"UINT64_C\(0x([0-9a-fA-F]+)\)"), 16)

    # Shapes: the <name>_params struct, W<l>[rows][cols] then b<l>[rows], in order.
    body = re.search(r"typedef struct \{([^}]*)\} %s_params;" % name, header)
    if not body:
        raise Refused("%s: no %s_params struct" % (path, name))
    fields = re.findall(r"%s_real (W|b)(\d+)\[(\d+)\](?:\[(\d+)\])?;" % name, body.group(1))
    # Activations: the banner's ` *   layer 2: dense 4 -> 1, sigmoid, ...` lines.
    banner = re.findall(r"^ \*   layer (\d+): dense (\d+) -> (\d+), ([a-z_]+)(?: \(alpha ([^)]+)\))?,",
                        header, re.M)
    layers = []
    for index, n_in, n_out, activation, alpha in banner:
        layers.append(Layer(int(index), int(n_in), int(n_out), activation,
                            float(alpha) if alpha else None))
    expected_fields = []
    for layer in layers:
        expected_fields.append(("W", str(layer.index), str(layer.n_out), str(layer.n_in)))
        expected_fields.append(("b", str(layer.index), str(layer.n_out), ""))
    if not layers or fields != expected_fields or layers[0].n_in != inputs:
        raise Refused("%s: the layer list in the banner does not match the %s_params struct; "
                      "this header is not one torch2gradc can read" % (path, name))
    arch = Architecture(name, dtype, inputs, layers, header_hash, param_count)
    if sum(l.n_out * (l.n_in + 1) for l in layers) != param_count:
        raise Refused("%s: %s_PARAM_COUNT disagrees with the struct" % (path, upper))
    if arch.hash() != header_hash:
        raise Refused("%s: cannot reproduce %s_ARCH_HASH from '%s' (computed %016x, header %016x): "
                      "gen/architecture.lua and this script disagree" % (path, upper, arch.text(),
                                                                        arch.hash(), header_hash))
    return arch


def header_from_spec(spec, gradc, folder):
    """Run the generator on the spec (it validates it) and return its header's path."""
    try:
        run = subprocess.run([gradc, "--out", folder, spec], capture_output=True, text=True,
                             check=False)
    except OSError as err:
        raise Refused("cannot run %s: %s (build it with make, or give --gradc)" % (gradc, err.strerror)) from None
    if run.returncode != 0:
        raise Refused((run.stderr.strip() or "%s failed on %s" % (gradc, spec)))
    names = [n for n in os.listdir(folder) if not n.startswith(".")]
    if len(names) != 1:
        raise Refused("%s wrote %s into %s, expected one model folder" % (gradc, names, folder))
    return os.path.join(folder, names[0], names[0] + ".h")


# ---- the tensors, from torch or numpy ---------------------------------------------------------

class Tensor:
    """A source tensor as a shape and a flat row-major list of Python floats."""

    def __init__(self, where, shape, values, is_double):
        self.where, self.shape, self.values, self.is_double = where, tuple(shape), values, is_double


def from_state_dict(path):
    """[(weight, bias)] per Linear layer, in the state_dict's (= the Sequential's) order."""
    try:
        import torch  # pylint: disable=import-outside-toplevel
    except ImportError:
        raise Refused("--state-dict needs PyTorch (import torch failed)") from None
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise Refused("%s: no such file" % path) from None
    except Exception as err:  # torch raises many kinds: unpickling, zip, version
        raise Refused("%s: cannot load as a state_dict (%s); save model.state_dict(), "
                      "not the model object" % (path, str(err).splitlines()[0])) from None
    if not isinstance(state, dict) or not all(torch.is_tensor(v) for v in state.values()):
        raise Refused("%s: not a state_dict (a dict of tensors)" % path)
    groups, order = {}, []
    for key, tensor in state.items():
        prefix, _, kind = key.rpartition(".")
        if kind not in ("weight", "bias"):
            raise Refused("%s: tensor '%s' is not a Linear weight or bias: only nn.Linear layers "
                          "(with parameter-free activations between them) convert" % (path, key))
        if prefix not in groups:
            groups[prefix] = {}
            order.append(prefix)
        values = tensor.detach().to(torch.float64).reshape(-1).tolist()
        groups[prefix][kind] = Tensor("%s['%s']" % (path, key), tensor.shape, values,
                                      tensor.dtype == torch.float64)
    layers = []
    for prefix in order:
        group = groups[prefix]
        if "weight" not in group or "bias" not in group:
            raise Refused("%s: module '%s' has %s but no %s: gradc layers have a weight and a bias "
                          "(nn.Linear with bias=True)" % (path, prefix, "/".join(group),
                                                        "bias" if "weight" in group else "weight"))
        if len(group["weight"].shape) != 2:
            raise Refused("%s: '%s.weight' has shape %s: not an nn.Linear weight"
                          % (path, prefix, list(group["weight"].shape)))
        layers.append((group["weight"], group["bias"]))
    return layers


def from_npy(folder, layer_count):
    try:
        import numpy  # pylint: disable=import-outside-toplevel
    except ImportError:
        raise Refused("--npy needs NumPy (import numpy failed)") from None
    layers = []
    for l in range(1, layer_count + 1):
        pair = []
        for kind in ("W", "b"):
            path = os.path.join(folder, "%s%d.npy" % (kind, l))
            try:
                array = numpy.load(path, allow_pickle=False)
            except FileNotFoundError:
                raise Refused("%s: missing (the spec has %d layers: W1.npy b1.npy ... W%d.npy b%d.npy)"
                              % (path, layer_count, layer_count, layer_count)) from None
            except ValueError as err:
                raise Refused("%s: not a numeric .npy array (%s)" % (path, err)) from None
            if array.dtype.kind not in "fiu":
                raise Refused("%s: dtype %s is not numeric" % (path, array.dtype))
            pair.append(Tensor(path, array.shape, array.astype(numpy.float64).ravel().tolist(),
                               array.dtype == numpy.float64))
        layers.append(tuple(pair))
    extra = os.path.join(folder, "W%d.npy" % (layer_count + 1))
    if os.path.exists(extra):
        raise Refused("%s: the spec has only %d layers" % (extra, layer_count))
    return layers


def check_shapes(arch, layers, source):
    if len(layers) != len(arch.layers):
        raise Refused("%s: %d Linear layers, but spec %s has %d (%s)" % (
            source, len(layers), arch.name, len(arch.layers),
            ", ".join("%d -> %d" % (l.n_in, l.n_out) for l in arch.layers)))
    for layer, (weight, bias) in zip(arch.layers, layers):
        w_shape = (layer.n_out, layer.n_in)
        if weight.shape != w_shape:
            raise Refused("%s: shape %s, but W%d of spec %s is %s (layer %d: %d -> %d units)" % (
                weight.where, list(weight.shape), layer.index, arch.name, list(w_shape),
                layer.index, layer.n_in, layer.n_out))
        if bias.shape not in ((layer.n_out,), (layer.n_out, 1)):
            raise Refused("%s: shape %s, but b%d of spec %s is [%d]" % (
                bias.where, list(bias.shape), layer.index, arch.name, layer.n_out))


# ---- the weights file -------------------------------------------------------------------------

def encode(arch, layers):
    real = "<f" if arch.dtype == "float" else "<d"
    chunks = [MAGIC, struct.pack("<IIQQ", FORMAT_VERSION, DTYPE_CODES[arch.dtype],
                                 arch.param_count, arch.header_hash)]
    for weight, bias in layers:
        for tensor in (weight, bias):
            for k, value in enumerate(tensor.values):
                if value != value or value in (float("inf"), float("-inf")):
                    raise Refused("%s: element %d is %r: weights must be finite" % (tensor.where, k, value))
            try:
                chunks.append(struct.pack("<%d%s" % (len(tensor.values), real[1]), *tensor.values))
            except (OverflowError, struct.error):
                raise Refused("%s: a value is too large for float32" % tensor.where) from None
    data = b"".join(chunks)
    return data + struct.pack("<Q", fnv1a64(data))


def write_atomically(path, data):
    folder = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(prefix=".torch2gradc-", dir=folder)
    try:
        with os.fdopen(handle, "wb") as f:
            f.write(data)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(prog="torch2gradc.py", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    arch_group = parser.add_mutually_exclusive_group(required=True)
    arch_group.add_argument("--spec", help="the gradc spec (.lua) the weights are for")
    arch_group.add_argument("--header", help="or the <name>.h gradc generated for it")
    source_group = parser.add_mutually_exclusive_group(required=True)
    source_group.add_argument("--state-dict", help="torch.save()d state_dict of Linear layers")
    source_group.add_argument("--npy", metavar="DIR", help="folder of W1.npy b1.npy W2.npy ...")
    parser.add_argument("-o", "--output", required=True, help="weights file to write")
    parser.add_argument("--gradc", default=os.path.join(here, "..", "build", "gradc"),
                        help="the generator, for --spec (default: gen/build/gradc)")
    args = parser.parse_args(argv)
    try:
        with tempfile.TemporaryDirectory(prefix="torch2gradc-") as folder:
            header = args.header or header_from_spec(args.spec, args.gradc, folder)
            arch = read_header(header)
        if args.state_dict:
            layers, source = from_state_dict(args.state_dict), args.state_dict
        else:
            layers, source = from_npy(args.npy, len(arch.layers)), args.npy
        check_shapes(arch, layers, source)
        data = encode(arch, layers)
        write_atomically(args.output, data)
    except Refused as err:
        print("torch2gradc: %s" % err, file=sys.stderr)
        return 1
    rounded = arch.dtype == "float" and any(t.is_double for pair in layers for t in pair)
    print("torch2gradc: wrote %s: %s, %d %s parameters%s" % (
        args.output, arch.name, arch.param_count, arch.dtype,
        " (float64 values rounded to float32)" if rounded else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
