"""gradc_weights: writing a gradc weights file, shared by the converters (torch2gradc.py,
onnx2gradc.py).

A converter reads the parameter layout from the header gradc generates for the spec (read_header;
header_from_spec runs the generator to get one), pairs each member of <name>_params with a source
Tensor (checked: the shapes must agree, a running variance must not be negative), and writes the
file (encode, write_atomically) in the format at the top of templates/model_io.c.in. The header is
the one place the architecture hash comes from: the generator defines it, and `gradc --check
--weights` checks a file against it. A user error is raised as Refused, one line of text.
"""
import os
import re
import stat
import struct
import subprocess
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


# ---- the architecture, from a generated header ------------------------------------------------

# The members a layer of each kind has in <name>_params, in order (b is left out by conv layers
# with bias = false).
WEIGHT_MEMBERS = ("W", "b")
BATCHNORM_MEMBERS = ("gamma", "beta", "mean", "var")
# A spec with standardize = true: these lead <name>_params, as "layer 0" (no number in their names)
STANDARDIZE_MEMBERS = ("input_mean", "input_inv_scale")

class Member:
    """One array of <name>_params: W3[8][4][3][3] is kind "W", layer 3, shape (8, 4, 3, 3)."""

    def __init__(self, kind, layer, shape):
        self.kind, self.layer, self.shape = kind, layer, tuple(shape)
        self.name = kind if kind in STANDARDIZE_MEMBERS else "%s%d" % (kind, layer)

    def size(self):
        count = 1
        for extent in self.shape:
            count *= extent
        return count

    def __str__(self):
        return self.name + "".join("[%d]" % extent for extent in self.shape)


class Layer:
    """A spec layer that has parameters: its index and members, in struct order."""

    def __init__(self, index):
        self.index, self.members = index, []

    def is_batchnorm(self):
        return self.members[0].kind == "gamma"

    def is_standardize(self):
        return self.members[0].kind in STANDARDIZE_MEMBERS

    def member(self, kind):
        return next((m for m in self.members if m.kind == kind), None)

    def __str__(self):
        return " ".join(str(m) for m in self.members)


class Architecture:
    """What a weights file must match: name, dtype, the parameter layout, the header's hash."""

    def __init__(self, name, dtype, layers, header_hash, param_count):
        self.name, self.dtype, self.layers = name, dtype, layers
        self.header_hash, self.param_count = header_hash, param_count

    def members(self):
        return [m for layer in self.layers for m in layer.members]

    def describe(self):
        return "; ".join("%d: %s" % (layer.index, layer) for layer in self.layers)


def define(header, path, name, pattern=r"(\d+)"):
    match = re.search(r"^#define %s\s+%s" % (re.escape(name), pattern), header, re.M)
    if not match:
        raise Refused("%s: no #define %s: not a header gradc generated?" % (path, name))
    return match.group(1)


def parse_members(path, name, body):
    """The <name>_params struct's members, every one checked to be <name>_real NAME<l>[n]...;"""
    without_comments = re.sub(r"/\*.*?\*/", " ", body, flags=re.S)
    declarations = [d.strip() for d in without_comments.split(";") if d.strip()]
    members = []
    for declaration in declarations:
        standardize = re.fullmatch(r"%s_real\s+(%s)\[(\d+)\]" % (name, "|".join(STANDARDIZE_MEMBERS)),
                                   declaration)
        if standardize:
            members.append(Member(standardize.group(1), 0, [int(standardize.group(2))]))
            continue
        match = re.fullmatch(r"%s_real\s+([A-Za-z]+)(\d+)((?:\[\d+\])+)" % name, declaration)
        if not match or match.group(1) not in WEIGHT_MEMBERS + BATCHNORM_MEMBERS:
            raise Refused("%s: cannot read member '%s' of %s_params: this header is not one "
                          "torch2gradc can read" % (path, declaration, name))
        shape = [int(extent) for extent in re.findall(r"\[(\d+)\]", match.group(3))]
        members.append(Member(match.group(1), int(match.group(2)), shape))
    return members


def group_layers(path, name, members):
    """Members grouped by layer; each layer must be W[, b] or gamma, beta, mean, var."""
    layers = []
    for member in members:
        if not layers or layers[-1].index != member.layer:
            if layers and member.layer <= layers[-1].index:
                raise Refused("%s: %s_params member %s is out of layer order" % (path, name, member))
            layers.append(Layer(member.layer))
        layers[-1].members.append(member)
    for layer in layers:
        kinds = tuple(m.kind for m in layer.members)
        if kinds not in (("W",), WEIGHT_MEMBERS, BATCHNORM_MEMBERS, STANDARDIZE_MEMBERS):
            raise Refused("%s: layer %d of %s_params has members %s, expected W%d [b%d] or "
                          "gamma, beta, mean and var" % (path, layer.index, name, str(layer),
                                                         layer.index, layer.index))
    return layers


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
    param_count = int(define(header, path, upper + "_PARAM_COUNT"))
    header_hash = int(define(header, path, upper + "_ARCH_HASH", r"UINT64_C\(0x([0-9a-fA-F]+)\)"), 16)
    body = re.search(r"typedef struct \{([^}]*)\} %s_params;" % name, header)
    if not body:
        raise Refused("%s: no %s_params struct" % (path, name))
    members = parse_members(path, name, body.group(1))
    if not members:
        raise Refused("%s: %s_params has no members" % (path, name))
    if sum(m.size() for m in members) != param_count:
        raise Refused("%s: %s_PARAM_COUNT is %d, but the %s_params members hold %d reals" % (
            path, upper, param_count, name, sum(m.size() for m in members)))
    return Architecture(name, dtype, group_layers(path, name, members), header_hash, param_count)


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


class Tensor:
    """A source tensor as a shape and its values, flat and row-major, as a numpy float64 array (a
    list of Python floats would take 32 bytes a value: a gigabyte at the parameter limit)."""

    def __init__(self, where, shape, values, is_double):
        self.where, self.shape, self.values, self.is_double = where, tuple(shape), values, is_double


def grouped_dense(rows, channels, numpy):
    """The dense weight [filters][channels] of a 1x1 convolution of [channels, 1, 1] (a classifier
    on the global pool written as a convolution) from its weight rows [filters][channels / groups]:
    each filter's row in its group's block of columns, zeros elsewhere. make import and
    torch2gradc map such a head alike."""
    filters, per_group = rows.shape
    matrix = numpy.zeros((filters, channels), rows.dtype)
    outputs = filters // (channels // per_group)
    for f in range(filters):
        first = (f // outputs) * per_group
        matrix[f, first:first + per_group] = rows[f]
    return matrix


def checked(arch, member, tensor):
    shapes = [member.shape]
    if member.kind == "b":
        shapes.append(member.shape + (1,))  # the seeds' column-vector bias
    if tensor.shape not in shapes:
        raise Refused("%s: shape %s, but %s of spec %s is %s" % (
            tensor.where, list(tensor.shape), member.name, arch.name, list(member.shape)))
    if member.kind == "var":
        negative = (tensor.values < 0).nonzero()[0]
        if len(negative):
            raise Refused("%s: element %d is %r: a running variance cannot be negative" % (
                tensor.where, negative[0], float(tensor.values[negative[0]])))
    return tensor


# ---- the weights file -------------------------------------------------------------------------

def encode(arch, tensors):
    import numpy  # pylint: disable=import-outside-toplevel (the tools say when it is missing)
    real = "<f4" if arch.dtype == "float" else "<f8"
    chunks = [MAGIC, struct.pack("<IIQQ", FORMAT_VERSION, DTYPE_CODES[arch.dtype],
                                 arch.param_count, arch.header_hash)]
    for tensor in tensors:
        bad = (~numpy.isfinite(tensor.values)).nonzero()[0]
        if len(bad):
            raise Refused("%s: element %d is %r: weights must be finite" % (
                tensor.where, bad[0], float(tensor.values[bad[0]])))
        with numpy.errstate(over="ignore"):  # a float64 beyond float32's range becomes inf
            stored = tensor.values.astype(real)
        if not numpy.isfinite(stored).all():
            raise Refused("%s: a value is too large for float32" % tensor.where)
        chunks.append(stored.tobytes())
    data = b"".join(chunks)
    return data + struct.pack("<Q", fnv1a64(data))


def file_mode(path):
    """The mode a file written in place of path gets: that of the file it replaces, or for a new
    one what the umask gives (a temporary file from mkstemp has 0600)."""
    if os.path.exists(path):
        return stat.S_IMODE(os.stat(path).st_mode)
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def staged(path, data, prefix="gradc"):
    """data in a temporary file next to path (so that renaming it over path is atomic), with the
    mode path's file gets (file_mode); returns its name. Nothing is left behind on failure."""
    handle, temporary = tempfile.mkstemp(prefix="." + prefix + "-", dir=os.path.dirname(path) or ".")
    try:
        with os.fdopen(handle, "wb") as f:
            f.write(data)
        os.chmod(temporary, file_mode(path))
    except BaseException:
        os.remove(temporary)
        raise
    return temporary


def write_atomically(path, data, prefix="gradc"):
    """data into path through a temporary file next to it and a rename; a symbolic link stays one
    (the file it points to is replaced)."""
    path = os.path.realpath(path)
    temporary = staged(path, data, prefix)
    try:
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise

