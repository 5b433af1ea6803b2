#!/usr/bin/env python3
"""torch2gradc: trained weights from PyTorch or NumPy into a gradc weights file.

    torch2gradc.py --spec net.lua   --state-dict model.pt -o net.bin
    torch2gradc.py --header out/net/net.h --npy weights_dir/ -o net.bin

Sources:
  --state-dict FILE  a torch.save()d state_dict of an nn.Sequential of Linear, Conv1d, Conv2d,
                     BatchNorm1d and BatchNorm2d modules (activations, pooling, flatten and dropout
                     in between have no parameters), e.g. {"0.weight", "0.bias", "1.weight",
                     "1.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked", ...}.
                     A BatchNorm's weight, bias, running_mean and running_var become gradc's
                     gamma, beta, mean and var; num_batches_tracked is not part of a gradc model
                     and is ignored. Loaded with torch.load(weights_only=True): no pickled code runs.
  --npy DIR          one array per member of <name>_params, named like it: W1.npy b1.npy W2.npy ...
                     gamma2.npy beta2.npy mean2.npy var2.npy (b<l> may be (n,) or the seeds' (n, 1)).

The architecture comes from the header gradc generated for the spec (--header), or gradc is run on
the spec into a temporary folder to get it (--spec; --gradc names the binary, default
gen/build/gradc next to this script). From the header: the dtype (the <name>_real typedef), the
parameter layout (the <name>_params struct: each member's name and shape, in order; their sizes
must add up to <NAME>_PARAM_COUNT, and a member this script cannot read refuses the header) and
the architecture hash (<NAME>_ARCH_HASH, written into the file as it is: the generator is the one
place that defines it, and `gradc --check --weights` checks a file against it).

The state_dict's modules with parameters are matched, in order, with the spec's layers that have
parameters: a W<l> layer (dense or conv) takes a module's weight, and its bias exactly when the
layer has b<l> (a conv with bias = false has none); a batchnorm layer takes a BatchNorm module.
Where the module computes what the layer does with a fixed value, that value fills the member, as
make import maps the same model: a zero b<l> for nn.Linear(bias=False) (gradc's dense layers all
have a bias), gamma 1 and beta 0 for BatchNorm(affine=False), and a dense W<l> [units][C] from a
1x1 Conv weight [units][C/groups][1...] (a convolution of the global pool's [C, 1, 1] output;
zero outside each group's block).
Every tensor's shape must equal its member's (a conv weight is [filters][channels/groups][k...],
as PyTorch stores it). Values are written as float32 or float64 by the spec's dtype (a float64
source into a float spec is rounded to nearest) and must be finite; a running variance must not be
negative. The file format is the one at the top of templates/model_io.c.in. Exit status 0 on
success, 1 with one message on stderr (naming the module and tensor) otherwise; the output file is
written only on success.
"""
import argparse
import os
import re
import sys
import tempfile

# The weights-file writer and header reader are shared with onnx2gradc.py, next to this script.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gradc_weights import (BATCHNORM_MEMBERS, WEIGHT_MEMBERS, Refused, Tensor,  # noqa: E402
                           checked, encode, grouped_dense, header_from_spec, read_header,
                           write_atomically)

# Which state_dict tensor fills each member.
TORCH_NAMES = {"W": "weight", "b": "bias", "gamma": "weight", "beta": "bias",
               "mean": "running_mean", "var": "running_var"}


# ---- the tensors, from torch or numpy ---------------------------------------------------------

class Module:
    """The tensors of one state_dict prefix ("3" for "3.weight", "3.bias", ...), by tensor name."""

    KINDS = {2: "Linear", 3: "Conv1d", 4: "Conv2d"}

    def __init__(self, prefix):
        self.prefix, self.tensors = prefix, {}

    def is_batchnorm(self):
        """Running statistics, or a 1-D weight: no Linear or Conv weight is 1-D, so the latter is
        a BatchNorm with track_running_stats=False."""
        weight = self.tensors.get("weight")
        return ("running_mean" in self.tensors or "running_var" in self.tensors
                or (weight is not None and len(weight.shape) == 1))

    def kind(self):
        if self.is_batchnorm():
            return "BatchNorm"
        weight = self.tensors.get("weight")
        return self.KINDS.get(len(weight.shape), "module") if weight else "module"

    def __str__(self):
        return "'%s' (%s)" % (self.prefix, self.kind())


STATE_DICT_TENSORS = ("weight", "bias", "running_mean", "running_var", "num_batches_tracked")


def from_state_dict(path):
    """The modules that have parameters, in the state_dict's (= the Sequential's) order."""
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
    modules = []
    for key, tensor in state.items():
        prefix, _, kind = key.rpartition(".")
        if kind not in STATE_DICT_TENSORS:
            raise Refused("%s: tensor '%s' is not a weight, bias or BatchNorm running statistic: "
                          "only Linear, Conv1d, Conv2d, BatchNorm1d and BatchNorm2d modules (with "
                          "parameter-free modules between them) convert" % (path, key))
        if kind == "num_batches_tracked":
            continue  # PyTorch's step counter; gradc's running averages use a fixed momentum
        if not modules or modules[-1].prefix != prefix:
            if any(m.prefix == prefix for m in modules):
                raise Refused("%s: the tensors of module '%s' are not together" % (path, prefix))
            modules.append(Module(prefix))
        values = tensor.detach().to(torch.float64).reshape(-1).numpy()
        modules[-1].tensors[kind] = Tensor("%s['%s']" % (path, key), tensor.shape, values,
                                           tensor.dtype == torch.float64)
    return modules


def implied(module, layer, member, source):
    """What a missing tensor stands for, where the module computes exactly what gradc's layer
    does with it: the zero bias of nn.Linear(bias=False) (gradc's dense layers all have one; a
    conv layer says bias = false instead), and gamma 1, beta 0 of nn.BatchNorm(affine=False).
    None where nothing is implied. The same values make import writes for such models."""
    import numpy  # pylint: disable=import-outside-toplevel (torch brings it)
    weight = module.tensors.get("weight")
    size = member.size()
    if member.kind == "b" and weight is not None and len(layer.member("W").shape) == 2:
        return Tensor("%s: module '%s' (no bias: zeros)" % (source, module.prefix), member.shape,
                      numpy.zeros(size), weight.is_double)
    if member.kind in ("gamma", "beta") and weight is None and "bias" not in module.tensors:
        statistics = module.tensors.get("running_mean") or module.tensors.get("running_var")
        return Tensor("%s: module '%s' (affine=False: %s)" % (
            source, module.prefix, "ones" if member.kind == "gamma" else "zeros"), member.shape,
                      numpy.full(size, 1.0 if member.kind == "gamma" else 0.0),
                      statistics is not None and statistics.is_double)
    return None


def unit_conv_as_dense(tensor, member):
    """A Conv weight [filters][channels/groups][1...] for a dense layer's W [filters][channels]:
    a 1x1 convolution of the [channels, 1, 1] output of a global pool (a classifier written as a
    convolution) is that dense layer, with zeros outside each group's block (as make import maps
    it). Other shapes are left for the shape check to refuse."""
    import numpy  # pylint: disable=import-outside-toplevel
    filters, per_group = tensor.shape[0], tensor.shape[1]
    channels = member.shape[1]
    if any(k != 1 for k in tensor.shape[2:]) or filters != member.shape[0] or channels % per_group:
        return tensor
    if filters % (channels // per_group):
        return tensor
    matrix = grouped_dense(tensor.values.reshape(filters, per_group), channels, numpy)
    return Tensor(tensor.where, member.shape, matrix.reshape(-1), tensor.is_double)


def match_modules(arch, modules, source):
    """The state_dict's tensors in <name>_params order, every one checked against its member."""
    if len(modules) != len(arch.layers):
        raise Refused("%s: %d modules with parameters (%s), but spec %s has %d layers with "
                      "parameters (%s)" % (source, len(modules),
                                           ", ".join(str(m) for m in modules) or "none", arch.name,
                                           len(arch.layers), arch.describe()))
    tensors = []
    for layer, module in zip(arch.layers, modules):
        if module.is_batchnorm() != layer.is_batchnorm():
            raise Refused("%s: module %s is matched with layer %d of spec %s, which %s (%s)" % (
                source, module, layer.index, arch.name,
                "is a batchnorm" if layer.is_batchnorm() else "is a dense or conv layer",
                layer))
        for kind in ("running_mean", "running_var"):
            if module.is_batchnorm() and kind not in module.tensors:
                raise Refused("%s: module %s has no %s (track_running_stats=False); gradc's "
                              "batchnorm keeps running statistics" % (source, module, kind))
        for member in layer.members:
            tensor = module.tensors.get(TORCH_NAMES[member.kind])
            if tensor is None:
                tensor = implied(module, layer, member, source)
            if tensor is None:
                raise Refused("%s: module %s has no %s, but layer %d of spec %s has %s%s" % (
                    source, module, TORCH_NAMES[member.kind], layer.index, arch.name, member,
                    " (nn.%s with bias=True)" % module.kind() if member.kind == "b" else ""))
            if member.kind == "W" and len(member.shape) == 2 and len(tensor.shape) in (3, 4):
                tensor = unit_conv_as_dense(tensor, member)
            tensors.append(checked(arch, member, tensor))
        if not layer.is_batchnorm() and layer.member("b") is None and "bias" in module.tensors:
            raise Refused("%s: module %s has a bias, but layer %d of spec %s has none (bias = false)"
                          % (module.tensors["bias"].where, module, layer.index, arch.name))
    return tensors


NPY_NAME = re.compile(r"(%s)(\d+)\.npy" % "|".join(WEIGHT_MEMBERS + BATCHNORM_MEMBERS))


def from_npy(arch, folder):
    """One <member>.npy per member of <name>_params, in struct order."""
    try:
        import numpy  # pylint: disable=import-outside-toplevel
    except ImportError:
        raise Refused("--npy needs NumPy (import numpy failed)") from None
    members = arch.members()
    wanted = " ".join(m.name + ".npy" for m in members)
    tensors = []
    for member in members:
        path = os.path.join(folder, member.name + ".npy")
        try:
            array = numpy.load(path, allow_pickle=False)
        except FileNotFoundError:
            raise Refused("%s: missing (spec %s needs %s)" % (path, arch.name, wanted)) from None
        except ValueError as err:
            raise Refused("%s: not a numeric .npy array (%s)" % (path, err)) from None
        if array.dtype.kind not in "fiu":
            raise Refused("%s: dtype %s is not numeric" % (path, array.dtype))
        tensors.append(checked(arch, member, Tensor(
            path, array.shape, array.astype(numpy.float64).ravel(),
            array.dtype == numpy.float64)))
    names = set(m.name + ".npy" for m in members)
    try:
        extra = sorted(n for n in os.listdir(folder) if NPY_NAME.fullmatch(n) and n not in names)
    except OSError as err:
        raise Refused("%s: cannot list: %s" % (folder, err.strerror)) from None
    if extra:
        raise Refused("%s: spec %s has no member %s (it needs %s)" % (
            os.path.join(folder, extra[0]), arch.name, extra[0][:-4], wanted))
    return tensors


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(prog="torch2gradc.py", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    arch_group = parser.add_mutually_exclusive_group(required=True)
    arch_group.add_argument("--spec", help="the gradc spec (.lua) the weights are for")
    arch_group.add_argument("--header", help="or the <name>.h gradc generated for it")
    source_group = parser.add_mutually_exclusive_group(required=True)
    source_group.add_argument("--state-dict", help="torch.save()d state_dict of Linear, Conv and BatchNorm modules")
    source_group.add_argument("--npy", metavar="DIR", help="folder of W1.npy b1.npy ... (one per <name>_params member)")
    parser.add_argument("-o", "--output", required=True, help="weights file to write")
    parser.add_argument("--gradc", default=os.path.join(here, "..", "build", "gradc"),
                        help="the generator, for --spec (default: gen/build/gradc)")
    args = parser.parse_args(argv)
    try:
        real_output = os.path.realpath(args.output)
        for option, path in (("--spec", args.spec), ("--header", args.header), ("--state-dict", args.state_dict)):
            if path is not None and os.path.realpath(path) == real_output:
                raise Refused("-o %s is the %s file itself, which writing it would replace" % (args.output, option))
        if args.npy is not None and NPY_NAME.fullmatch(os.path.basename(real_output)) \
                and os.path.dirname(real_output) == os.path.realpath(args.npy):
            raise Refused("-o %s is one of the --npy arrays in %s, which writing it would replace"
                          % (args.output, args.npy))
        with tempfile.TemporaryDirectory(prefix="torch2gradc-") as folder:
            header = args.header or header_from_spec(args.spec, args.gradc, folder)
            arch = read_header(header)
        if arch.layers and arch.layers[0].is_standardize():
            raise Refused("%s: spec %s has standardize = true, and a PyTorch model carries no "
                          "input_mean and input_inv_scale (expected a spec without standardize; "
                          "make train fills them)" % (args.spec or header, arch.name))
        if args.state_dict:
            tensors = match_modules(arch, from_state_dict(args.state_dict), args.state_dict)
        else:
            tensors = from_npy(arch, args.npy)
        data = encode(arch, tensors)
        write_atomically(args.output, data, "torch2gradc")
    except Refused as err:
        print("torch2gradc: %s" % err, file=sys.stderr)
        return 1
    except (OSError, MemoryError) as err:
        # a folder, a missing folder or an unreadable file where a file was named; an array
        # header declaring more than memory holds
        print("torch2gradc: %s" % (str(err) or type(err).__name__), file=sys.stderr)
        return 1
    rounded = arch.dtype == "float" and any(t.is_double for t in tensors)
    print("torch2gradc: wrote %s: %s, %d %s parameters%s" % (
        args.output, arch.name, arch.param_count, arch.dtype,
        " (float64 values rounded to float32)" if rounded else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
