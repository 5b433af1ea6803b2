#!/usr/bin/env python3
"""onnx2gradc: an ONNX model of a layer chain into a gradc spec and weights file.

    onnx2gradc.py model.onnx --spec net.lua --weights net.bin [--name net] [--batch 32]

(`make import ONNX=model.onnx SPEC=net.lua WEIGHTS=net.bin [NAME=net] [BATCH=m]` runs this.)

The model is read with Debian's python3-onnx. Its opset is 7 or later (to the newest the installed
onnx knows). It must be a chain, as torch.onnx.export (opset 13 by default) writes an
nn.Sequential in eval mode (with training=TrainingMode.PRESERVE, which keeps BatchNormalization
nodes instead of folding them into the convolutions): one graph input, each node reading the
previous node's output and constants (initializers, Constant and Identity nodes), one graph
output. The operators and what they become:

  Gemm (transA = 0, alpha = beta = 1), MatMul [+ Add]  dense (a MatMul without Add: zero bias)
  Conv (1-D or 2-D)                     conv1d, conv2d: stride, padding, dilation, groups, bias;
                                        unequal pads only as PyTorch's "same" (stride 1, the odd
                                        zero after), otherwise refused
  BatchNormalization                    batchnorm: eps; momentum = 1 - the ONNX momentum
  MaxPool, AveragePool (no padding,     maxpool1d/2d, avgpool1d/2d: kernel, stride
    ceil_mode = 0, dilation 1)
  GlobalAveragePool                     global_avgpool; a Conv with a 1x1 kernel and no
                                        padding on its [N, C, 1, 1] output: dense
  Flatten (axis 1), Reshape to [N, -1]  flatten (nothing when the data is flat already)
  Relu, LeakyRelu, Sigmoid, Tanh        the activation of the dense, conv or batchnorm layer
                                        before (across Flatten and MaxPool, which commute with
                                        these monotone functions); Relu and LeakyRelu after a
                                        pool of data >= 0 (a relu, sigmoid or softmax before):
                                        nothing, they are the identity there; refused elsewhere
  Softmax (axis 1 of [N, features])     the activation of the last layer; must be the last node
  Pad with all pads 0                   nothing (PyTorch 1.13 writes one before an AveragePool)

The spec gets the input shape of the graph input (its first, batch, dimension dropped), dtype
float or double from the input's element type, --batch (default 32), and the name --name or one
made from the file name. Its loss is ce when the output is a softmax, bce when it is a sigmoid,
mse otherwise; its optimizer is adam with lr 0.001 (PyTorch's Adam defaults), for fine-tuning
with `make train`. Anything else (another operator, an attribute value gradc has no equivalent
for, a branch) is refused with one line naming the node, its operator and what is supported. The
spec is checked by running gradc on it before anything is written; the weights file (format: the
top of templates/model_io.c.in, written by gradc_weights.py as torch2gradc.py writes it) is laid
out by the header gradc generates for it. Exit status 0 on success, 1 with one message on stderr
otherwise; neither output file is touched unless both are written.
"""
import argparse
import decimal
import os
import re
import subprocess
import sys
import tempfile
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gradc_weights import (Refused, Tensor, checked, encode, grouped_dense,  # noqa: E402
                           header_from_spec, read_header, staged)

SUPPORTED = ("Gemm, MatMul, Add (the bias after a MatMul), Conv, BatchNormalization, Relu, "
             "LeakyRelu, Sigmoid, Tanh, Softmax, MaxPool, AveragePool, GlobalAveragePool, "
             "Flatten, Reshape (to [N, -1]), Pad (all pads 0), Constant, Identity")
DEFAULT_BATCH = 32
DEFAULT_OPTIMIZER = '{ type = "adam", lr = 0.001 }'
# The attributes each operator may carry (any other is refused, never ignored).
ATTRIBUTES = {
    "Gemm": {"alpha", "beta", "transA", "transB"},
    "MatMul": set(), "Add": set(),
    "Conv": {"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"},
    "BatchNormalization": {"epsilon", "momentum", "training_mode"},
    "MaxPool": {"auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads", "storage_order",
                "strides"},
    "AveragePool": {"auto_pad", "ceil_mode", "count_include_pad", "kernel_shape", "pads",
                    "strides"},
    "GlobalAveragePool": set(), "Flatten": {"axis"}, "Reshape": {"allowzero"},
    "Relu": set(), "LeakyRelu": {"alpha"}, "Sigmoid": set(), "Tanh": set(), "Softmax": {"axis"},
    "Pad": {"mode", "pads", "value"}, "Identity": set(),
    "Constant": {"value", "value_float", "value_floats", "value_int", "value_ints"},
}


def short_real(value):
    """An ONNX float attribute (a float32) as the shortest decimal that rounds back to it:
    PyTorch's eps=1e-5 arrives as 9.99999974737875e-06 and is written 1e-05."""
    import numpy  # pylint: disable=import-outside-toplevel
    return str(numpy.float32(value))


def printable(text):
    """text with every character that is not printable (a line break above all) as its Python
    escape: node and file names go into the spec's comments and into one-line messages, and a
    line break there would end a comment and make the rest of a name spec code."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def lua_string(text):
    """text as a Lua string literal that reads back as exactly text: a quote or a backslash in a
    --name must not end the literal (and make the rest spec code); gradc then judges the name."""
    out = []
    for byte in text.encode("utf-8"):
        c = chr(byte)
        out.append("\\" + c if c in '"\\' else c if 32 <= byte < 127 else "\\%03d" % byte)
    return '"%s"' % "".join(out)


class Layer:
    """One spec layer: its fields in the order they are written, its tensors by member kind, and
    the nodes it came from (named in its comment and in messages)."""

    def __init__(self, kind, nodes, shape, **fields):
        self.kind, self.nodes, self.shape = kind, list(nodes), shape
        self.fields = dict(fields)
        self.tensors = {}
        self.activation = None  # None: takes none (pools, flatten); ("linear",): not yet set
        self.bias_open = False  # a dense layer from a MatMul, whose bias an Add may still supply

    def lua(self):
        parts = [] if self.kind == "dense" else ['type = "%s"' % self.kind]
        for key, value in self.fields.items():
            parts.append("%s = %s" % (key, value))
        if self.activation is not None and (self.activation[0] != "linear" or self.kind != "batchnorm"):
            parts.append('activation = "%s"' % self.activation[0])
            if self.activation[0] == "leaky_relu":
                parts.append("alpha = %s" % self.activation[1])
        return "{ %s }," % ", ".join(parts)


def lua_pair(values):
    """An integer, or { h, w } when the two differ."""
    values = [int(v) for v in values]
    if len(values) == 1 or all(v == values[0] for v in values):
        return str(values[0])
    return "{ %s }" % ", ".join(str(v) for v in values)


def model_name(path):
    """A spec name from the file name: lower case, [a-z0-9_], not starting with a digit."""
    stem = os.path.splitext(os.path.basename(path))[0].lower()
    name = re.sub(r"_+", "_", re.sub(r"[^a-z0-9_]", "_", stem)).strip("_")[:32].rstrip("_")
    if not name:
        return "net"
    return ("net_" + name)[:32] if name[0].isdigit() else name


class Importer:
    """Walks the graph's nodes in order, keeping the one data tensor the chain is at."""

    def __init__(self, path, model, numpy_helper, numpy):
        self.path, self.model = path, model
        self.numpy_helper, self.numpy = numpy_helper, numpy
        self.graph = model.graph
        self.constants = {t.name: self.initializer(t) for t in self.graph.initializer}
        self.dtype = None  # the graph input's element type, which every parameter must have
        self.layers = []
        self.current = None  # the name of the tensor the chain has reached
        self.shape = None  # its shape without the batch dimension
        self.unit_dims = 0  # unit spatial dimensions ONNX keeps after it (see onnx_shape)
        self.batch_size = None
        self.node = None
        self.node_label = None
        self.finished_by = None  # the Softmax node, after which nothing may follow
        self.computed = set()  # the graph input and the chain's outputs so far
        self.input_shape = None

    def initializer(self, tensor):
        """An initializer as an array; one whose data does not fill its shape (a damaged file), or
        with a dimension below 1 (numpy would take -1 as "whatever fits"), is refused by name (the
        checker leaves raw data alone)."""
        if any(d < 1 for d in tensor.dims):
            raise Refused("%s: initializer '%s' has dims %s (each must be at least 1)" % (
                self.path, printable(tensor.name), list(tensor.dims)))
        try:
            return self.numpy_helper.to_array(tensor)
        except (ValueError, TypeError) as err:
            raise Refused("%s: initializer '%s' (dims %s): its data does not match its shape and "
                          "element type (%s)" % (self.path, printable(tensor.name), list(tensor.dims),
                                                 str(err).strip() or type(err).__name__)) from None

    # ---- messages ----

    def refuse(self, problem, supported=None):
        raise Refused("%s: node %s (%s): %s (supported: %s)" % (
            self.path, self.node_label, printable(self.node.op_type), problem, supported or SUPPORTED))

    def refuse_model(self, problem):
        raise Refused("%s: %s" % (self.path, problem))

    # ---- reading a node ----

    def attributes(self):
        import onnx  # pylint: disable=import-outside-toplevel
        known = ATTRIBUTES[self.node.op_type]
        values = {}
        for attribute in self.node.attribute:
            if attribute.name not in known:
                self.refuse("attribute %s is not one gradc maps" % attribute.name,
                            "%s with %s" % (self.node.op_type, ", ".join(sorted(known)) or "no attributes"))
            values[attribute.name] = onnx.helper.get_attribute_value(attribute)
        return values

    def constant(self, index, what):
        """Input `index` of the node, which must be a constant; None when it is absent."""
        if index >= len(self.node.input) or self.node.input[index] == "":
            return None
        name = self.node.input[index]
        if name in self.computed:
            self.refuse("its %s '%s' is computed in the graph, not a constant: gradc imports a "
                        "chain of layers without branches (an nn.Sequential)" % (what, name),
                        "a chain of " + SUPPORTED)
        if name not in self.constants:
            self.refuse("its %s '%s' is not a constant (an initializer or Constant): gradc takes "
                        "parameters only from the model file" % (what, name))
        return self.constants[name]

    def positive(self, name, values, least=1, count=None):
        """Sizes, strides and dilations are at least 1, pads at least 0 (the checker leaves
        attribute values alone); with `count`, there are that many (one per spatial axis, or two
        for pads: ONNX does not spread one value over every axis)."""
        if count is not None and len(values) != count:
            self.refuse("%s %s: expected %d values for its %d-D input" % (
                name, list(values), count, count // 2 if name == "pads" else count),
                "%s with one value per spatial axis" % self.node.op_type)
        if any(v < least for v in values):
            self.refuse("%s %s: each must be at least %d" % (name, list(values), least),
                        "%s with kernel sizes, strides, dilations and groups >= 1, pads >= 0"
                        % self.node.op_type)
        return values

    def data_input(self, moves_nothing=False):
        """The node's first input must be the tensor the chain is at: a chain has no branches.
        After the Softmax only a node that `moves_nothing` may follow."""
        name = self.node.input[0] if self.node.input else ""
        if name != self.current:
            self.refuse("its input '%s' is not the output of the node before ('%s'): gradc "
                        "imports a chain of layers, as an nn.Sequential exports" % (name, self.current),
                        "a chain of " + SUPPORTED)
        if self.finished_by is not None and not moves_nothing:
            self.refuse("it follows the Softmax %s, which must be the last node" % self.finished_by)

    def advance(self, shape):
        used = [o for o in self.node.output if o]
        if len(used) != 1 or self.node.output[0] == "":
            self.refuse("it has outputs %s, gradc maps one" % list(self.node.output))
        self.current, self.shape = self.node.output[0], tuple(int(e) for e in shape)
        self.computed.add(self.current)

    def ints(self, attributes, name, default):
        return [int(v) for v in attributes.get(name, default)]

    # ---- the graph ----

    def graph_input(self):
        initializers = set(self.constants)
        inputs = [i for i in self.graph.input if i.name not in initializers]
        if len(inputs) != 1:
            self.refuse_model("the graph has %d inputs (%s), gradc models have one" % (
                len(inputs), ", ".join(i.name for i in inputs) or "none"))
        if len(self.graph.output) != 1:
            self.refuse_model("the graph has %d outputs, gradc models have one" % len(self.graph.output))
        tensor = inputs[0].type.tensor_type
        dtype = {1: "float", 11: "double"}.get(tensor.elem_type)
        if dtype is None:
            import onnx  # pylint: disable=import-outside-toplevel
            names = onnx.TensorProto.DataType
            kind = names.Name(tensor.elem_type).lower() if tensor.elem_type in names.values() else "unknown"
            self.refuse_model("input '%s' has element type %d (%s); gradc takes float (1) or double (11)"
                              % (inputs[0].name, tensor.elem_type, kind))
        dims = list(tensor.shape.dim)
        if not 2 <= len(dims) <= 4:
            self.refuse_model("input '%s' has %d dimensions; gradc takes [N, features], "
                              "[N, channels, length] or [N, channels, height, width]"
                              % (inputs[0].name, len(dims)))
        shape = []
        for k, dim in enumerate(dims[1:], start=1):
            if not dim.HasField("dim_value") or dim.dim_value < 1:
                self.refuse_model("input '%s' dimension %d is '%s', not a size: export with a fixed "
                                  "input shape (only the batch dimension may vary)"
                                  % (inputs[0].name, k, dim.dim_param or "unknown"))
            shape.append(dim.dim_value)
        self.current, self.shape = inputs[0].name, tuple(shape)
        self.computed.add(self.current)
        self.dtype = dtype
        # the batch size the graph is exported with, None when it may vary
        self.batch_size = dims[0].dim_value if dims[0].HasField("dim_value") else None
        if self.batch_size is not None and self.batch_size < 1:
            self.refuse_model("input '%s' has a batch dimension of %d; it is a size >= 1 or a "
                              "name (a batch that may vary)" % (inputs[0].name, self.batch_size))
        return dtype

    def run(self):
        dtype = self.graph_input()
        self.input_shape = self.shape
        for index, node in enumerate(self.graph.node):
            self.node = node
            self.node_label = "'%s'" % printable(node.name) if node.name else "%d" % index
            if node.domain not in ("", "ai.onnx"):
                self.refuse("operator %s of domain '%s' is not an ONNX operator gradc maps" % (
                    node.op_type, node.domain))
            handler = getattr(self, "op_" + node.op_type, None)
            if handler is None or node.op_type not in ATTRIBUTES:
                self.refuse("operator %s is not supported" % node.op_type)
            handler(self.attributes())
        output = self.graph.output[0].name
        if output != self.current:
            self.refuse_model("the graph output '%s' is not the end of the chain ('%s')" % (output, self.current))
        if not any(layer.kind != "flatten" for layer in self.layers):
            self.refuse_model("the graph has no layer gradc maps (only %s)" % (
                ", ".join(n.op_type for n in self.graph.node) or "no nodes"))
        return dtype

    # ---- constants ----

    def op_Constant(self, attributes):
        numpy = self.numpy
        if "value" in attributes:
            value = self.numpy_helper.to_array(attributes["value"])
        elif "value_float" in attributes or "value_floats" in attributes:
            value = numpy.array(attributes.get("value_float", attributes.get("value_floats")), numpy.float32)
        elif "value_int" in attributes or "value_ints" in attributes:
            value = numpy.array(attributes.get("value_int", attributes.get("value_ints")), numpy.int64)
        else:
            self.refuse("it has no value")
        self.constants[self.node.output[0]] = value

    def op_Identity(self, _attributes):
        source = self.node.input[0] if self.node.input else ""
        if source in self.constants:
            # PyTorch writes one where two parameters are equal (running_var = Identity(weight))
            self.constants[self.node.output[0]] = self.constants[source]
            return
        self.data_input()
        self.advance(self.shape)

    # ---- layers with parameters ----

    def add_layer(self, kind, shape, **fields):
        layer = Layer(kind, [self.node_label], shape, **fields)
        self.layers.append(layer)
        self.advance(shape)
        self.unit_dims = 0
        return layer

    def onnx_shape(self):
        """The data's shape per sample as ONNX has it: gradc's, with the unit spatial dimensions
        that ONNX keeps after a GlobalAveragePool (and a 1x1 Conv on it) until a Flatten."""
        return list(self.shape) + [1] * self.unit_dims

    def flat_input(self, what):
        if len(self.shape) != 1:
            self.refuse("its input has shape %s per sample, not flat features: %s takes [N, features]"
                        % (list(self.shape), what))
        return self.shape[0]

    def dense(self, weight, bias, where):
        features = self.flat_input("a dense layer")
        units, width = weight.shape
        if width != features:
            self.refuse("its weight is %s, but its input has %d features" % (list(weight.shape), features))
        layer = self.add_layer("dense", (units,), units=units)
        layer.activation = ("linear",)
        layer.tensors["W"] = self.tensor(where + " weight", weight)
        # gradc's dense layers have a bias: none in the model is a zero one, unless an Add follows
        layer.bias_open = bias is None
        layer.tensors["b"] = self.tensor(where + (" bias" if bias is not None else " (zero bias)"),
                                         bias if bias is not None else self.numpy.zeros(units, weight.dtype))
        return layer

    def op_Gemm(self, attributes):
        self.data_input()
        for name, wanted in (("transA", 0), ("alpha", 1), ("beta", 1)):
            if attributes.get(name, wanted) != wanted:
                value = attributes[name]
                self.refuse("%s = %s; gradc maps %s = %s" % (
                    name, short_real(value) if isinstance(value, float) else value, name, wanted),
                            "Gemm with transA = 0, alpha = 1, beta = 1, as nn.Linear exports")
        weight = self.constant(1, "weight B")
        if weight is None or weight.ndim != 2:
            self.refuse("its weight B is not a matrix")
        if not attributes.get("transB", 0):
            weight = weight.T
        bias = self.constant(2, "bias C")
        units = weight.shape[0]
        if bias is not None:
            bias = self.unit_bias(bias, units, "its bias C")
        self.dense(weight, bias, "Gemm %s" % self.node_label)

    def unit_bias(self, bias, units, what, supported=None):
        """A bias added to [N, units] as the per-unit [units]. ONNX broadcasts it from the right,
        so [units], [1, units] and the ones of size 1 add the same to every sample; [units, 1]
        (for units > 1) or [N, units] would add per sample, which no dense layer does."""
        shape = list(bias.shape)
        if len(shape) > 2 or (shape and shape[-1] not in (1, units)) or (len(shape) == 2 and shape[0] != 1):
            self.refuse("%s has shape %s, expected [%d] or [1, %d] (one value per unit, the same for "
                        "every sample)" % (what, shape, units, units), supported)
        return self.numpy.broadcast_to(bias.reshape(shape[-1:] or [1]), (units,)).copy()

    def op_MatMul(self, _attributes):
        self.data_input()
        weight = self.constant(1, "weight")
        supported = "MatMul of [N, features] by a constant [features, units] (+ Add of a constant [units])"
        if weight is None or weight.ndim != 2:
            self.refuse("its second input is not a constant matrix", supported)
        if self.unit_dims:
            # MatMul multiplies the last dimension, here a pool's unit one: nn.Linear on
            # [N, C, 1] gives [N, C, units], not a dense layer of the C features
            self.refuse("its input is %s per sample, a global pool's unit dimension%s last: MatMul "
                        "would multiply that, not the features (a Flatten before the Linear makes "
                        "them flat)" % (self.onnx_shape(), "s" if self.unit_dims > 1 else ""), supported)
        self.dense(weight.T, None, "MatMul %s" % self.node_label)

    def op_Add(self, _attributes):
        if len(self.node.input) == 2 and self.node.input[1] == self.current:
            # Add is commutative: the bias may come first
            self.node.input[0], self.node.input[1] = self.node.input[1], self.node.input[0]
        self.data_input()
        supported = "Add right after a MatMul or a Gemm without bias, of a constant [units]"
        bias = self.constant(1, "second input")
        if bias is None:
            self.refuse("it has one input", supported)
        layer = self.layers[-1] if self.layers else None
        if layer is None or layer.kind != "dense" or not layer.bias_open or layer.activation != ("linear",):
            self.refuse("it does not add the bias of the dense layer before", supported)
        bias = self.unit_bias(bias, layer.shape[0], "the constant it adds", supported)
        layer.tensors["b"] = self.tensor("Add %s" % self.node_label, bias)
        layer.bias_open = False
        layer.nodes.append(self.node_label)
        self.advance(self.shape)

    def spatial_input(self, what):
        if len(self.shape) not in (2, 3):
            self.refuse("its input has shape %s per sample; %s takes [N, channels, length] or "
                        "[N, channels, height, width]" % (self.onnx_shape(), what))
        return len(self.shape) - 1

    @staticmethod
    def auto_pad(attributes):
        """A Conv's or pool's auto_pad as text (onnx gives bytes)."""
        auto = attributes.get("auto_pad", b"NOTSET")
        return auto.decode() if isinstance(auto, bytes) else auto

    def padding(self, attributes, kernel, strides, dilations):
        """The spec's padding: an integer, { h, w }, or "same" for PyTorch's unequal split."""
        rank = len(kernel)
        auto = self.auto_pad(attributes)
        pads = self.ints(attributes, "pads", [0] * (2 * rank))
        if auto == "VALID":
            return "0", [0] * rank, [0] * rank
        totals = [d * (k - 1) for k, d in zip(kernel, dilations)]
        same_before = [t // 2 for t in totals]
        same_after = [t - t // 2 for t in totals]
        if auto == "SAME_UPPER" and all(s == 1 for s in strides):
            pads = same_before + same_after
        elif auto != "NOTSET":
            self.refuse("auto_pad = %s" % auto, "Conv with explicit pads, auto_pad VALID, or "
                        "SAME_UPPER at stride 1")
        before, after = pads[:rank], pads[rank:]
        if before == after:
            return lua_pair(before), before, after
        if all(s == 1 for s in strides) and before == same_before and after == same_after:
            return '"same"', before, after
        self.refuse("pads %s are unequal on the two sides, and not PyTorch's padding=\"same\"" % pads,
                    "Conv with equal pads on both sides of each dimension, or the split of "
                    "padding=\"same\" (stride 1, the odd zero after)")

    def op_Conv(self, attributes):
        self.data_input()
        if self.unit_dims:
            self.conv_on_unit_input(attributes)
            return
        rank = self.spatial_input("Conv")
        weight = self.constant(1, "weight")
        if weight is None or weight.ndim != rank + 2:
            self.refuse("its weight is not a constant [filters][channels/groups][kernel...]")
        kernel = list(weight.shape[2:])
        if self.ints(attributes, "kernel_shape", kernel) != kernel:
            self.refuse("kernel_shape %s differs from its weight's %s" % (attributes["kernel_shape"], kernel))
        strides = self.positive("strides", self.ints(attributes, "strides", [1] * rank), count=rank)
        dilations = self.positive("dilations", self.ints(attributes, "dilations", [1] * rank), count=rank)
        groups = self.positive("group", [int(attributes.get("group", 1))])[0]
        self.positive("pads", self.ints(attributes, "pads", [0] * (2 * rank)), least=0, count=2 * rank)
        padding, before, after = self.padding(attributes, kernel, strides, dilations)
        channels, filters = self.shape[0], weight.shape[0]
        if weight.shape[1] * groups != channels:
            self.refuse("its weight has %d channels per group x %d groups, but its input has %d "
                        "channels" % (weight.shape[1], groups, channels))
        sizes = [(n + b + a - d * (k - 1) - 1) // s + 1 for n, b, a, d, k, s in
                 zip(self.shape[1:], before, after, dilations, kernel, strides)]
        fields = {"filters": filters, "kernel": lua_pair(kernel)}
        if any(s != 1 for s in strides):
            fields["stride"] = lua_pair(strides)
        if padding != "0":
            fields["padding"] = padding
        if any(d != 1 for d in dilations):
            fields["dilation"] = lua_pair(dilations)
        if groups != 1:
            fields["groups"] = groups
        bias = self.constant(2, "bias")
        if bias is None:
            fields["bias"] = "false"
        elif list(bias.shape) != [filters]:
            self.refuse("its bias has shape %s, expected [%d] (one per filter)" % (list(bias.shape), filters))
        layer = self.add_layer("conv%dd" % rank, [filters] + sizes, **fields)
        layer.activation = ("linear",)
        layer.tensors["W"] = self.tensor("Conv %s weight" % self.node_label, weight)
        if bias is not None:
            layer.tensors["b"] = self.tensor("Conv %s bias" % self.node_label, bias)

    def conv_on_unit_input(self, attributes):
        """A Conv with a 1x1 kernel and no padding on the [channels, 1, 1] output of a
        GlobalAveragePool (a classifier written as convolutions): exactly a dense layer with the
        weight [filters, channels] (a grouped one: zero outside each group's block), whose output
        ONNX keeps as [filters, 1, 1]."""
        rank = self.unit_dims
        supported = ("Conv with a 1x1 kernel and no padding after GlobalAveragePool (a dense "
                     "layer), or a Conv on [N, channels, length] or [N, channels, height, width]")
        weight = self.constant(1, "weight")
        if weight is None or weight.ndim != rank + 2:
            self.refuse("its weight is not a constant [filters][channels/groups][kernel...]", supported)
        pads = self.ints(attributes, "pads", [0] * (2 * rank))
        if any(k != 1 for k in weight.shape[2:]) or any(pads):
            self.refuse("kernel %s, pads %s on the input of shape %s" % (
                list(weight.shape[2:]), pads, self.onnx_shape()), supported)
        auto = self.auto_pad(attributes)
        if auto not in ("NOTSET", "VALID", "SAME_UPPER", "SAME_LOWER"):
            self.refuse("auto_pad = %s" % auto, supported)
        self.positive("strides", self.ints(attributes, "strides", [1] * rank), count=rank)
        self.positive("dilations", self.ints(attributes, "dilations", [1] * rank), count=rank)
        groups = self.positive("group", [int(attributes.get("group", 1))])[0]
        channels, filters = self.shape[0], weight.shape[0]
        per_group = weight.shape[1]
        if per_group * groups != channels or filters % groups != 0:
            self.refuse("its weight has %d channels per group x %d groups, but its input has %d "
                        "channels" % (per_group, groups, channels), supported)
        matrix = grouped_dense(weight.reshape(filters, per_group), channels, self.numpy)
        bias = self.constant(2, "bias")
        if bias is not None and list(bias.shape) != [filters]:
            self.refuse("its bias has shape %s, expected [%d] (one per filter)" % (list(bias.shape), filters),
                        supported)
        self.dense(matrix, bias, "Conv %s" % self.node_label)
        self.unit_dims = rank

    def op_BatchNormalization(self, attributes):
        self.data_input()
        if attributes.get("training_mode", 0):
            self.refuse("training_mode = 1", "BatchNormalization in inference mode (export the "
                        "model in eval mode)")
        if len([o for o in self.node.output if o]) != 1:
            self.refuse("it has %d outputs (a training-mode export); gradc maps the inference "
                        "form, one output" % len([o for o in self.node.output if o]),
                        "BatchNormalization as torch.onnx.export writes it in eval mode")
        channels = self.shape[0]
        where = "BatchNormalization %s" % self.node_label
        tensors = {}
        for index, (kind, what) in enumerate((("gamma", "scale"), ("beta", "B"),
                                               ("mean", "input_mean"), ("var", "input_var")), 1):
            value = self.constant(index, what)
            if value is None or value.shape != (channels,):
                self.refuse("its %s is not a constant [%d]" % (what, channels))
            tensors[kind] = self.tensor("%s %s" % (where, what), value)
        if not float(attributes.get("epsilon", 1e-5)) > 0:
            self.refuse("epsilon = %s: gradc's batchnorm eps is > 0" % short_real(attributes["epsilon"]),
                        "BatchNormalization with epsilon > 0")
        if not 0 <= float(attributes.get("momentum", 0.9)) <= 1:
            self.refuse("momentum = %s: gradc's batchnorm momentum, 1 - this, is in [0, 1]" % short_real(
                attributes["momentum"]), "BatchNormalization with momentum in [0, 1]")
        epsilon = short_real(attributes.get("epsilon", 1e-5))
        # ONNX's running average keeps `momentum` of the old value; PyTorch's and gradc's
        # momentum is the weight of the new one.
        momentum = decimal.Decimal(1) - decimal.Decimal(short_real(attributes.get("momentum", 0.9)))
        unit_dims = self.unit_dims  # on [channels, 1, 1] it is gradc's flat batchnorm
        layer = self.add_layer("batchnorm", self.shape, eps=epsilon, momentum=str(momentum))
        self.unit_dims = unit_dims
        layer.activation = ("linear",)
        layer.tensors.update(tensors)

    def tensor(self, where, array):
        numpy = self.numpy
        # ONNX's Gemm, Conv, Add and BatchNormalization take one element type for data and
        # parameters: an int64 or float16 weight in a float model is not a valid model
        expected = {"float": numpy.float32, "double": numpy.float64}[self.dtype]
        if array.dtype != expected:
            self.refuse("its %s has element type %s, but the model's input is %s (one element type "
                        "throughout, as ONNX requires)" % (where, array.dtype, numpy.dtype(expected)),
                        "float32 or float64 models with parameters of the input's element type")
        return Tensor("%s: %s" % (self.path, where), array.shape,
                      array.astype(numpy.float64).reshape(-1), array.dtype == numpy.float64)

    # ---- layers without parameters ----

    def pool(self, attributes, kind, supported):
        self.data_input()
        rank = self.spatial_input(self.node.op_type)
        kernel = self.positive("kernel_shape", self.ints(attributes, "kernel_shape", []))
        if len(kernel) != rank:
            self.refuse("kernel_shape %s does not match a %d-D input" % (kernel, rank), supported)
        strides = self.positive("strides", self.ints(attributes, "strides", [1] * rank), count=rank)
        auto = self.auto_pad(attributes)
        if auto not in ("NOTSET", "VALID"):
            self.refuse("auto_pad = %s; gradc's pools have no padding" % auto, supported)
        pads = self.ints(attributes, "pads", [0] * (2 * rank))
        if any(pads):
            self.refuse("pads %s: gradc's pools have no padding" % pads, supported)
        if attributes.get("ceil_mode", 0):
            self.refuse("ceil_mode = 1: gradc's pools round the output size down", supported)
        if any(d != 1 for d in self.ints(attributes, "dilations", [1] * rank)):
            self.refuse("dilations %s" % attributes["dilations"], supported)
        sizes = [(n - k) // s + 1 for n, k, s in zip(self.shape[1:], kernel, strides)]
        if min(sizes) < 1:
            self.refuse("its kernel %s is larger than its input %s" % (kernel, list(self.shape[1:])))
        fields = {"kernel": lua_pair(kernel)}
        if strides != kernel:
            fields["stride"] = lua_pair(strides)
        self.add_layer("%s%dd" % (kind, rank), [self.shape[0]] + sizes, **fields)

    def op_MaxPool(self, attributes):
        self.pool(attributes, "maxpool", "MaxPool with pads 0, ceil_mode 0, dilations 1, one output")

    def op_AveragePool(self, attributes):
        self.pool(attributes, "avgpool", "AveragePool with pads 0 and ceil_mode 0")

    def op_GlobalAveragePool(self, _attributes):
        self.data_input()
        rank = self.spatial_input("GlobalAveragePool")
        # ONNX keeps unit spatial dimensions, gradc's output is flat; the shape followed here is
        # gradc's, so a Flatten after it adds no layer
        self.add_layer("global_avgpool", (self.shape[0],))
        self.unit_dims = rank

    def flatten(self):
        self.unit_dims = 0
        features = 1
        for extent in self.shape:
            features *= extent
        if len(self.shape) > 1:
            self.add_layer("flatten", (features,))
        else:
            self.advance(self.shape)

    def op_Flatten(self, attributes):
        # after the last Softmax, whose output is flat ([N, features], or [N, features, 1, 1]
        # after a global pool), a Flatten moves nothing
        self.data_input(moves_nothing=len(self.shape) == 1 and attributes.get("axis", 1) == 1)
        if attributes.get("axis", 1) != 1:
            self.refuse("axis = %d" % attributes["axis"], "Flatten with axis 1, as nn.Flatten exports")
        self.flatten()

    def op_Reshape(self, attributes):
        self.data_input()
        shape = self.constant(1, "shape")
        features = 1
        for extent in self.shape:
            features *= extent
        target = [int(v) for v in shape.reshape(-1)] if shape is not None else None
        if attributes.get("allowzero", 0) and target is not None and 0 in target:
            # with allowzero, a 0 is an extent of 0 (an empty tensor), not "as in the input"
            self.refuse("allowzero = 1 with a 0 in the shape %s" % target,
                        "Reshape to [N, -1], [-1, %d] or [N, %d], or [0, -1] without allowzero" % (
                            features, features))
        flat = target is not None and len(target) == 2 and (
            (target[1] == features and target[0] >= -1) or (target[1] == -1 and target[0] >= 0))
        supported = "Reshape to [N, -1], [-1, %d], [0, -1] or [N, %d]" % (features, features)
        if not flat:
            self.refuse("it reshapes to %s, not to [N, %d] (flat)" % (target, features), supported)
        if target[0] > 0 and target[0] != self.batch_size:
            self.refuse("it reshapes to %s, a batch of %d, but the graph's input has %s" % (
                target, target[0], "a batch of %d" % self.batch_size if self.batch_size else
                "a batch that may vary"), supported)
        self.flatten()

    def op_Pad(self, attributes):
        self.data_input()
        numpy = self.numpy
        # opsets 11 and later give the pads and the value as inputs, earlier ones as attributes
        # (the checker allows each form only in its opsets)
        pads = attributes.get("pads")
        pads = numpy.asarray(pads) if pads is not None else self.constant(1, "pads")
        supported = "Pad with all pads 0, as PyTorch 1.13 writes in front of an AveragePool"
        if pads is None:
            self.refuse("its pads are not given", supported)
        pads = [int(v) for v in pads.reshape(-1)]
        if any(pads):
            self.refuse("pads %s are not all 0 (nn.AvgPool with padding?): gradc's pools have no "
                        "padding" % pads, supported)
        value = attributes.get("value")
        value = numpy.asarray(value) if value is not None else self.constant(2, "constant_value")
        if value is not None and value.size == 1 and float(value.reshape(-1)[0]) != 0:
            self.refuse("pad value %s is not 0" % float(value.reshape(-1)[0]), supported)
        self.advance(self.shape)

    # ---- activations ----

    def activation_target(self, across_maxpool):
        """The layer an activation joins: the last one, looking back across flatten layers (they
        move nothing) and, for the monotone activations, max pools (max(f(a), f(b)) =
        f(max(a, b)) for a non-decreasing f, so the result is exactly the same)."""
        for layer in reversed(self.layers):
            if layer.kind == "flatten" or (across_maxpool and layer.kind.startswith("maxpool")):
                continue
            return layer
        return None

    def nonnegative(self):
        """Whether the data are >= 0 by construction: pools and flatten layers back to a layer
        whose activation is relu, sigmoid or softmax (a mean or maximum of such values is too)."""
        for layer in reversed(self.layers):
            if layer.activation is None:
                continue
            return layer.activation[0] in ("relu", "sigmoid", "softmax")
        return False

    def op_activation(self, name, alpha=None):
        self.data_input()
        layer = self.activation_target(across_maxpool=name != "softmax")
        if name == "softmax" and layer is not None and len(layer.shape) != 1:
            # across a Flatten onto a conv or batchnorm of channels x positions: gradc's softmax
            # is over a flat layer's own outputs (the spec refuses it on any other)
            self.refuse("it would be the activation of the %s layer of node %s, whose output %s "
                        "is not flat (a Flatten between does not make it a layer of its own)" % (
                            layer.kind, layer.nodes[0], list(layer.shape)),
                        "Softmax right after Gemm, MatMul (+ Add) or a BatchNormalization of flat "
                        "features, as the last node")
        if layer is not None and name in ("relu", "leaky_relu") and self.nonnegative():
            # the identity on data >= 0 (after a pool of such data, or a relu or sigmoid of this
            # layer's own), in value and in gradient where any flows (where the data are 0, the
            # relu before, or every input of the pool, passed no gradient either)
            layer.nodes.append(self.node_label)
            self.advance(self.shape)
            return
        supported = ("an activation right after Gemm, MatMul (+ Add), Conv or BatchNormalization "
                     "(Flatten%s between)" % ("" if name == "softmax" else " or MaxPool"))
        if layer is None or layer.activation is None:
            self.refuse("it follows %s, which takes no activation" % (
                "the graph input" if layer is None else "the %s layer of node %s" % (
                    layer.kind, layer.nodes[0])), supported)
        if layer.activation != ("linear",):
            self.refuse("the %s layer of node %s already has activation %s" % (
                layer.kind, layer.nodes[0], layer.activation[0]), supported)
        layer.activation = (name,) if alpha is None else (name, alpha)
        layer.nodes.append(self.node_label)
        self.advance(self.shape)

    def op_Relu(self, _attributes):
        self.op_activation("relu")

    def op_Sigmoid(self, _attributes):
        self.op_activation("sigmoid")

    def op_Tanh(self, _attributes):
        self.op_activation("tanh")

    def op_LeakyRelu(self, attributes):
        alpha = float(attributes.get("alpha", 0.01))
        if not 0 <= alpha < 1:
            self.refuse("alpha = %s: gradc's leaky_relu slope is in [0, 1)" % short_real(alpha),
                        "LeakyRelu with 0 <= alpha < 1")
        self.op_activation("leaky_relu", short_real(alpha))

    def op_Softmax(self, attributes):
        self.data_input()
        axis = int(attributes.get("axis", -1))
        # on [N, features, 1, 1] (after a GlobalAveragePool) axis -1 is a unit dimension
        if len(self.shape) != 1 or axis not in ((1, -1) if not self.unit_dims else (1,)):
            self.refuse("softmax over axis %d of shape [N, %s]" % (axis, ", ".join(
                str(e) for e in self.onnx_shape())), "Softmax over the features of a flat output "
                "([N, features], axis 1), as the last node")
        self.op_activation("softmax")
        self.finished_by = self.node_label


def output_activation(layers):
    for layer in reversed(layers):
        if layer.kind != "flatten":
            return layer.activation[0] if layer.activation else "linear"
    return "linear"


# ONNX operators as opsets 7 and later define them: before 7, Gemm and BatchNormalization carried
# attributes (broadcast, is_test, consumed_inputs) that change what they compute
FIRST_OPSET = 7


def check_opset(path, model, onnx):
    """The model's opset of the default domain is one whose operators this importer reads: from
    FIRST_OPSET to the newest the installed onnx package knows (the checker takes any number)."""
    versions = [entry.version for entry in model.opset_import if entry.domain in ("", "ai.onnx")]
    newest = onnx.defs.onnx_opset_version()
    if len(versions) != 1 or not FIRST_OPSET <= versions[0] <= newest:
        found = "opset %d" % versions[0] if len(versions) == 1 else "%d opsets" % len(versions)
        raise Refused("%s: the model imports %s of the ONNX operators; gradc reads opsets %d to %d "
                      "(torch.onnx.export writes 13 by default)" % (path, found, FIRST_OPSET, newest))


def spec_text(importer, source, name, batch, dtype):
    shape = importer.input_shape
    if len(shape) == 1:
        input_text = str(shape[0])
    elif len(shape) == 2:
        input_text = "{ channels = %d, length = %d }" % shape
    else:
        input_text = "{ channels = %d, height = %d, width = %d }" % shape
    activation = output_activation(importer.layers)
    loss = {"softmax": "ce", "sigmoid": "bce"}.get(activation, "mse")
    lines = [
        "-- Imported from %s by gen/tools/onnx2gradc.py (make import)." % printable(source),
        "-- The weights file written with it holds the model's parameters. The loss (ce for a softmax",
        "-- output, bce for a sigmoid one, mse otherwise) and the optimizer are defaults, for training",
        "-- it further.",
        "return {",
        '  name = %s,' % lua_string(name),
        "  input = %s," % input_text,
        "  batch = %d," % batch,
        '  dtype = "%s",' % dtype,
        "  layers = {",
    ]
    for layer in importer.layers:
        lines.append("    %s  -- from %s" % (layer.lua(), ", ".join(layer.nodes)))
    lines += ["  },", '  loss = "%s",' % loss, "  optimizer = %s," % DEFAULT_OPTIMIZER, "}", ""]
    return "\n".join(lines)


def weight_tensors(arch, layers, path):
    """The layers' tensors in <name>_params order, each checked against its member."""
    with_parameters = [layer for layer in layers if layer.tensors]
    if len(with_parameters) != len(arch.layers):
        raise Refused("%s: %d layers with parameters, but the generated header has %d (%s)" % (
            path, len(with_parameters), len(arch.layers), arch.describe()))
    tensors = []
    for layer, params in zip(with_parameters, arch.layers):
        for member in params.members:
            tensor = layer.tensors.get(member.kind)
            if tensor is None:
                raise Refused("%s: node %s has no %s for %s" % (path, layer.nodes[0], member.kind, member))
            tensors.append(checked(arch, member, tensor))
    return tensors


def write_both(spec_path, spec_data, weights_path, weights_data):
    """Both files or neither: each is staged next to its target, then both are renamed; if the
    second rename fails, the first target gets its old contents back. A symbolic link stays one:
    the file it points to is replaced. Messages name the paths as given."""
    for path in (spec_path, weights_path):
        folder = os.path.dirname(path) or "."
        if not os.path.isdir(folder):
            raise Refused("cannot write %s: no folder %s" % (path, folder))
    targets = [(spec_path, os.path.realpath(spec_path), spec_data),
               (weights_path, os.path.realpath(weights_path), weights_data)]
    temporaries = []
    try:
        for given, real, data in targets:
            try:
                temporaries.append(staged(real, data, "onnx2gradc"))
            except OSError as err:  # named after the target, not the temporary file
                raise Refused("cannot write %s: %s" % (given, err.strerror)) from None
        (spec_given, spec_real, _), (weights_given, weights_real, _) = targets
        old_spec = None
        if os.path.isfile(spec_real):
            with open(spec_real, "rb") as f:
                old_spec = f.read()
        try:
            os.replace(temporaries[0], spec_real)
        except OSError as err:
            raise Refused("cannot write %s: %s" % (spec_given, err.strerror)) from None
        try:
            os.replace(temporaries[1], weights_real)
        except OSError as err:
            if old_spec is None:
                os.remove(spec_real)
            else:
                with open(spec_real, "wb") as f:
                    f.write(old_spec)
            raise Refused("cannot write %s: %s" % (weights_given, err.strerror)) from None
    finally:
        for temporary in temporaries:
            if os.path.exists(temporary):
                os.remove(temporary)


def convert(args):
    try:
        import numpy  # pylint: disable=import-outside-toplevel
        import onnx  # pylint: disable=import-outside-toplevel
        import onnx.numpy_helper  # pylint: disable=import-outside-toplevel
    except ImportError as err:
        raise Refused("reading ONNX needs Debian's python3-onnx and python3-numpy (%s): "
                      "apt-get install python3-onnx" % err) from None
    if os.path.realpath(args.spec) == os.path.realpath(args.weights):
        raise Refused("--spec and --weights are the same file (%s)" % args.spec)
    for option, path in (("--spec", args.spec), ("--weights", args.weights)):
        if os.path.realpath(path) == os.path.realpath(args.model):
            raise Refused("%s %s is the ONNX model itself, which writing it would replace" % (option, path))
    if not os.path.exists(args.model):
        raise Refused("%s: no such file" % args.model)
    if not os.path.isfile(args.model):
        raise Refused("%s: not a regular file" % args.model)
    size = os.path.getsize(args.model)
    if size > MAX_MODEL_BYTES:
        raise Refused("%s: %d bytes, larger than any model gradc imports (%d parameters in "
                      "float64 are 128 MiB; at most %d bytes)" % (args.model, size, MAX_PARAMS, MAX_MODEL_BYTES))

    def invalid(err):
        return Refused("%s: not a valid ONNX model (%s)" % (
            args.model, (str(err).strip().splitlines() or ["unreadable"])[0]))

    try:
        with warnings.catch_warnings():
            # protobuf's decoder warns on some damaged files before failing: one line, below
            warnings.simplefilter("ignore")
            # external data stays unread: its location may point anywhere (onnx.load follows
            # "sub/../../x" out of the model's folder) and its size is unchecked
            model = onnx.load(args.model, load_external_data=False)
    except Exception as err:  # protobuf decode errors have many types
        raise invalid(err) from None
    # outside both handlers, so that its refusals are not reported as "not a valid ONNX model"
    check_tensors(args.model, model, onnx)
    try:
        onnx.checker.check_model(model)
    except Exception as err:  # checker errors have many types
        raise invalid(err) from None
    check_opset(args.model, model, onnx)
    importer = Importer(args.model, model, onnx.numpy_helper, numpy)
    dtype = importer.run()
    name = args.name or model_name(args.model)
    text = spec_text(importer, os.path.basename(args.model), name, args.batch, dtype)
    with tempfile.TemporaryDirectory(prefix="onnx2gradc-") as folder:
        # the spec under its own file name, so gradc's messages name it as the user will
        spec = os.path.join(folder, os.path.basename(args.spec) or "net.lua")
        with open(spec, "w", encoding="utf-8") as f:
            f.write(text)
        try:
            header = header_from_spec(spec, args.gradc, os.path.join(folder, "gen"))
        except Refused as err:
            raise Refused("%s: gradc refuses the spec made from it: %s" % (
                args.model, str(err).replace(spec, args.spec))) from None
        arch = read_header(header)
        data = encode(arch, weight_tensors(arch, importer.layers, args.model))
        weights = os.path.join(folder, "weights.bin")
        with open(weights, "wb") as f:
            f.write(data)
        run = subprocess.run([args.gradc, "--check", "--weights", weights, spec],
                             capture_output=True, text=True, check=False)
        if run.returncode != 0:  # a bug here, not the user's: say so
            raise Refused("internal error: gradc refuses the weights file written: %s" % run.stderr.strip())
    write_both(args.spec, text.encode("utf-8"), args.weights, data)
    return arch, importer


# The largest file worth reading: a network's parameter limit in float64, with room for the graph.
MAX_MODEL_BYTES = 160 * 1024 * 1024
MAX_PARAMS = 16777216


def check_tensors(path, model, onnx):
    """Before any tensor is decoded: every initializer and Constant keeps its data in the file,
    is not bfloat16 (which numpy_helper turns into float32 without a word, where every other
    element type keeps its own and is refused at its node), and all of them together hold at most
    twice the values a network may have as parameters, so that a huge declared shape is refused
    before numpy allocates it."""
    tensors = list(model.graph.initializer)
    for node in model.graph.node:
        for attribute in node.attribute:
            if attribute.type == onnx.AttributeProto.TENSOR:
                tensors.append(attribute.t)
    total = 0
    for tensor in tensors:
        label = "%s: tensor '%s'" % (path, printable(tensor.name))
        if tensor.data_location == onnx.TensorProto.EXTERNAL:
            raise Refused("%s keeps its data in an external file; gradc imports models that hold "
                          "their weights (onnx.save_model(model, path, save_as_external_data=False))"
                          % label)
        if tensor.data_type == onnx.TensorProto.BFLOAT16:
            raise Refused("%s has element type bfloat16; gradc takes float32 or float64 "
                          "parameters, the model input's type" % label)
        count = 1
        for d in tensor.dims:
            count *= max(d, 1)
        total += count
        if total > 2 * MAX_PARAMS:
            raise Refused("%s: its tensors hold more than %d values, beyond the %d parameters a "
                          "gradc network may have" % (path, 2 * MAX_PARAMS, MAX_PARAMS))


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(prog="onnx2gradc.py", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", help="the ONNX model file")
    parser.add_argument("--spec", required=True, help="the spec (.lua) to write")
    parser.add_argument("--weights", required=True, help="the weights file to write")
    parser.add_argument("--name", help="the model name (default: from the ONNX file name)")
    parser.add_argument("--batch", default=str(DEFAULT_BATCH),
                        help="the spec's batch (default %d)" % DEFAULT_BATCH)
    parser.add_argument("--gradc", default=os.path.join(here, "..", "build", "gradc"),
                        help="the generator (default: gen/build/gradc)")
    args = parser.parse_args(argv)
    try:
        for option, variable, value in (("--spec", "SPEC", args.spec), ("--weights", "WEIGHTS", args.weights)):
            if not value:
                raise Refused("%s (%s=) is empty: give the file to write" % (option, variable))
        if not re.fullmatch(r"[0-9]+", args.batch) or int(args.batch) < 1:
            raise Refused("--batch (BATCH=): '%s' is not an integer >= 1" % args.batch)
        args.batch = int(args.batch)
        arch, importer = convert(args)
    except Refused as err:
        print("onnx2gradc: %s" % printable(str(err)), file=sys.stderr)
        return 1
    except Exception as err:  # pylint: disable=broad-except
        # a model this script does not expect: still one line, and nothing has been written
        print("onnx2gradc: %s: internal error (a bug in onnx2gradc.py): %s: %s" % (
            printable(args.model), type(err).__name__, printable(str(err))), file=sys.stderr)
        return 1
    print("onnx2gradc: wrote %s and %s: %s, %d layers, %d %s parameters" % (
        args.spec, args.weights, arch.name, len(importer.layers), arch.param_count, arch.dtype))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
