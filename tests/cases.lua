-- tests/cases.lua OUTDIR [SPEC.lua ...]
--
-- Writes the generated-model test cases into OUTDIR (which must exist):
--   <name>.lua       the spec of each random case (the given specs are used where they are)
--   <name>_case.h    the case as a C initializer of the reference engine's ref_net, with every
--                    docs/spec.md default applied here, independently of the generator
--   models.def       GM_MODEL(name) for every case, for tests/main.c
--   conv_models.def  GM_MODEL(name) for every case of the conv family
--   cases.mk         the case lists and each case's spec path, for tests/models.mk:
--                    GM_CASES (the dense family and the given specs) and GM_CONV_CASES (the conv family)
--   ref_conv_cases.c every conv case header compiled together, as a table of ref_nets, for the
--                    reference engine's own gradient checks (tests/ref_test.c); no generator needed
-- The cases are every SPEC given on the command line (trusted: evaluated with the sandbox's
-- globals, unbounded) plus two seeded families of random architectures that are identical on
-- every machine (own LCG, no math.random): the dense family, and the conv family of conv / pool /
-- batchnorm / flatten nets (v2 specs: input shapes, layer types, weight decay, adamw).
-- Files are rewritten only when their text changes, so make rebuilds only what changed.

local FAMILY_SEED = 20240611
local FAMILY_SIZE = 40
local CONV_FAMILY_SEED = 20261201
local CONV_FAMILY_SIZE = 32

-- Resolution (every default applied), the ref_net initializer and the number and window helpers:
-- tests/ref/refspec.lua, shared with tests/cross/refnet.lua; file writing: tests/ref/specfiles.lua.
local here = arg[0]:match("^(.*)/[^/]*$") or "."
local refspec = dofile(here .. "/ref/refspec.lua")
local resolve = refspec.resolve
local shortest, window_size = refspec.shortest, refspec.window_size
local specfiles = dofile(here .. "/ref/specfiles.lua")
local write_if_changed = specfiles.write_if_changed

local HIDDEN_ACTIVATIONS = { "linear", "sigmoid", "tanh", "relu", "leaky_relu" }
local ALL_ACTIVATIONS = { "linear", "sigmoid", "tanh", "relu", "leaky_relu", "softmax" }
local LOSSES = { "bce", "mse", "ce" }
local INIT_SCHEMES = { "xavier", "he", "uniform" }


---------------------------------------------------------------------------------------------------
-- A 32-bit LCG (Numerical Recipes constants): exact in Lua 5.4 integers on every platform.

local Rng = {}
Rng.__index = Rng

local function new_rng(seed)
  return setmetatable({ state = seed & 0xffffffff }, Rng)
end

function Rng:next()
  self.state = (self.state * 1664525 + 1013904223) & 0xffffffff
  return self.state
end

-- Uniform in [0, 1) from the high 24 bits (the low bits of an LCG are weak).
function Rng:unit()
  return (self:next() >> 8) / 16777216
end

function Rng:int(lo, hi)
  return lo + math.floor(self:unit() * (hi - lo + 1))
end

function Rng:pick(list)
  return list[self:int(1, #list)]
end

function Rng:chance(p)
  return self:unit() < p
end

-- A readable number with 3 significant digits in [lo, hi), spread evenly on a log scale.
function Rng:log_uniform(lo, hi)
  local x = math.exp(math.log(lo) + self:unit() * (math.log(hi) - math.log(lo)))
  return tonumber(string.format("%.3g", x))
end

function Rng:uniform(lo, hi)
  return tonumber(string.format("%.3g", lo + self:unit() * (hi - lo)))
end

---------------------------------------------------------------------------------------------------
-- The random family. Optional fields are sometimes left out so the generator's defaults are tested.

local function random_layers(rng, loss)
  local depth = rng:int(1, 4)
  local layers = {}
  for l = 1, depth do
    layers[l] = { units = rng:int(1, 7), activation = rng:pick(HIDDEN_ACTIVATIONS) }
  end
  local last = layers[depth]
  if loss == "bce" then
    last.activation = "sigmoid"
  elseif loss == "ce" then
    last.activation = "softmax"
  else
    last.activation = rng:pick(ALL_ACTIVATIONS)
  end
  -- One softmax unit is the constant 1: J would not depend on any parameter and every gradient
  -- check would be vacuous.
  if last.activation == "softmax" then
    last.units = math.max(last.units, 2)
  end
  for _, layer in ipairs(layers) do
    if layer.activation == "leaky_relu" and rng:chance(0.7) then
      layer.alpha = rng:uniform(0, 0.9)
    end
  end
  return layers
end

local function random_optimizer(rng)
  local kind = rng:pick({ "default", "sgd", "momentum", "adam", "adam_defaults" })
  if kind == "default" then
    return nil
  elseif kind == "sgd" then
    return { type = "sgd", lr = rng:log_uniform(0.01, 0.5) }
  elseif kind == "momentum" then
    local opt = { type = "momentum", lr = rng:log_uniform(0.01, 0.3) }
    if rng:chance(0.7) then
      opt.beta = rng:uniform(0, 0.99)
    end
    return opt
  elseif kind == "adam" then
    return {
      type = "adam",
      lr = rng:log_uniform(0.001, 0.1),
      beta1 = rng:uniform(0.5, 0.95),
      beta2 = rng:uniform(0.9, 0.9999),
      eps = rng:log_uniform(1e-8, 1e-4),
    }
  end
  return { type = "adam" }
end

local function random_spec(rng, index)
  local loss = rng:pick(LOSSES)
  local spec = {
    name = string.format("rnd%02d", index),
    input = rng:int(1, 6),
    batch = rng:int(1, 5),
    layers = random_layers(rng, loss),
    loss = loss,
  }
  local dtype = rng:pick({ "default", "float", "double", "double" })
  if dtype ~= "default" then
    spec.dtype = dtype
  end
  local unroll = rng:pick({ "default", "auto", "full", "loops" })
  if unroll ~= "default" then
    spec.unroll = unroll
  end
  spec.optimizer = random_optimizer(rng)
  if rng:chance(0.75) then
    -- Seeds at the edges of uint32_t too: 0 breaks RNGs whose state must not be zero.
    local seed = rng:pick({ 0, 4294967295, rng:int(1, 100000), rng:int(1, 100000) })
    spec.init = { scheme = rng:pick(INIT_SCHEMES), seed = seed }
  end
  -- The contract accepts any integral number for an integer field.
  spec.integral_floats = rng:chance(0.1)
  return spec
end

---------------------------------------------------------------------------------------------------
-- Specs as Lua text (deterministic field order).

local function number_text(x, as_float)
  if math.type(x) == "integer" then
    return as_float and string.format("%d.0", x) or string.format("%d", x)
  end
  return shortest(x)
end

local function spec_text(spec)
  local int = function(x) return number_text(x, spec.integral_floats) end
  local out = {
    "-- Random test case generated by tests/cases.lua; do not edit.",
    "return {",
    string.format("  name = %q,", spec.name),
    string.format("  input = %s,", int(spec.input)),
    string.format("  batch = %s,", int(spec.batch)),
    "  layers = {",
  }
  for _, layer in ipairs(spec.layers) do
    local alpha = layer.alpha and string.format(", alpha = %s", number_text(layer.alpha)) or ""
    out[#out + 1] = string.format("    { units = %s, activation = %q%s },", int(layer.units),
      layer.activation, alpha)
  end
  out[#out + 1] = "  },"
  out[#out + 1] = string.format("  loss = %q,", spec.loss)
  if spec.dtype then
    out[#out + 1] = string.format("  dtype = %q,", spec.dtype)
  end
  if spec.unroll then
    out[#out + 1] = string.format("  unroll = %q,", spec.unroll)
  end
  local opt = spec.optimizer
  if opt then
    local fields = { string.format("type = %q", opt.type) }
    for _, key in ipairs({ "lr", "beta", "beta1", "beta2", "eps" }) do
      if opt[key] then
        fields[#fields + 1] = string.format("%s = %s", key, number_text(opt[key]))
      end
    end
    out[#out + 1] = "  optimizer = { " .. table.concat(fields, ", ") .. " },"
  end
  if spec.init then
    out[#out + 1] = string.format("  init = { scheme = %q, seed = %s },", spec.init.scheme,
      int(spec.init.seed))
  end
  out[#out + 1] = "}"
  return table.concat(out, "\n") .. "\n"
end

-- A v2 spec as Lua text: every field written in a fixed order, integers as integers.
local LAYER_KEYS = { "type", "units", "filters", "kernel", "stride", "padding", "dilation", "groups",
  "bias", "activation", "alpha", "eps", "momentum" }

local function value_text(x)
  if type(x) == "table" then
    local items = {}
    for i, v in ipairs(x) do items[i] = value_text(v) end
    return "{ " .. table.concat(items, ", ") .. " }"
  elseif type(x) == "string" then
    return string.format("%q", x)
  elseif type(x) == "boolean" then
    return tostring(x)
  end
  return number_text(x)
end

local function fields_text(t, keys)
  local fields = {}
  for _, key in ipairs(keys) do
    if t[key] ~= nil then
      fields[#fields + 1] = key .. " = " .. value_text(t[key])
    end
  end
  return "{ " .. table.concat(fields, ", ") .. " }"
end

local function v2_spec_text(spec)
  local out = {
    "-- Random test case generated by tests/cases.lua; do not edit.",
    "return {",
    string.format("  name = %q,", spec.name),
    "  input = " .. fields_text(spec.input, { "channels", "length", "height", "width" }) .. ",",
    string.format("  batch = %d,", spec.batch),
    "  layers = {",
  }
  for _, layer in ipairs(spec.layers) do
    out[#out + 1] = "    " .. fields_text(layer, LAYER_KEYS) .. ","
  end
  out[#out + 1] = "  },"
  out[#out + 1] = string.format("  loss = %q,", spec.loss)
  out[#out + 1] = string.format("  dtype = %q,", spec.dtype)
  if spec.unroll then
    out[#out + 1] = string.format("  unroll = %q,", spec.unroll)
  end
  if spec.optimizer then
    out[#out + 1] = "  optimizer = " .. fields_text(spec.optimizer,
      { "type", "lr", "beta", "beta1", "beta2", "eps", "weight_decay" }) .. ","
  end
  if spec.init then
    out[#out + 1] = "  init = " .. fields_text(spec.init, { "scheme", "seed" }) .. ","
  end
  out[#out + 1] = "}"
  return table.concat(out, "\n") .. "\n"
end

---------------------------------------------------------------------------------------------------
-- The conv family (v2 specs). Shapes are tracked here as the spec is drawn so that every window
-- fits; the resolution below recomputes them from the spec text alone.

local PADDING_CHOICES = { "zero", "one", "valid", "same" }

-- A per-dimension field of a 2-D layer: sometimes one integer, sometimes { h, w }.
local function pair_field(rng, h, w)
  if h == w and rng:chance(0.5) then
    return h
  end
  return { h, w }
end

local function random_conv_layer(rng, shape, layers)
  local dims = shape.rank == 1 and { "w" } or { "h", "w" }
  local layer = { type = shape.rank == 1 and "conv1d" or "conv2d" }
  -- groups: one group, depthwise (groups = C = filters), or groups g dividing C with 2 or 3
  -- filters per group
  local divisors = {}
  for g = 2, shape.c do
    if shape.c % g == 0 then divisors[#divisors + 1] = g end
  end
  local grouping = rng:pick({ "one", "one", "depthwise", "divisor" })
  if grouping == "depthwise" and shape.c >= 2 then
    layer.groups, layer.filters = shape.c, shape.c
  elseif grouping == "divisor" and #divisors > 0 then
    layer.groups = rng:pick(divisors)
    layer.filters = layer.groups * rng:int(2, 3)
  else
    if rng:chance(0.5) then layer.groups = 1 end
    layer.filters = rng:int(1, 4)
  end
  local padding = rng:pick(PADDING_CHOICES)
  local k, s, d, out = {}, {}, {}, {}
  for i, dim in ipairs(dims) do
    local n = shape[dim]
    for _ = 1, 20 do
      k[i], d[i] = rng:int(1, 3), rng:int(1, 2)
      s[i] = padding == "same" and 1 or rng:int(1, 2)
      local total = padding == "same" and d[i] * (k[i] - 1) or padding == "one" and 2 or 0
      out[i] = window_size(n, k[i], s[i], d[i], total // 2, total - total // 2)
      -- The first output must meet the input with some tap, or a layer of all-padding windows
      -- (zero output, zero gradient) would make the gradient checks vacuous.
      local reaches = false
      for tap = 0, k[i] - 1 do
        local at = tap * d[i] - total // 2
        reaches = reaches or (at >= 0 and at < n)
      end
      if out[i] >= 1 and reaches then break end
    end
    if out[i] < 1 then
      k[i], s[i], d[i] = 1, 1, 1
      out[i] = window_size(n, 1, 1, 1, 0, padding == "one" and 2 or 0)
    end
  end
  local function field(values)
    return shape.rank == 1 and values[1] or pair_field(rng, values[1], values[2])
  end
  layer.kernel = field(k)
  if s[1] ~= 1 or s[#s] ~= 1 or rng:chance(0.5) then layer.stride = field(s) end
  if d[1] ~= 1 or d[#d] ~= 1 or rng:chance(0.5) then layer.dilation = field(d) end
  if padding == "valid" or padding == "same" then
    layer.padding = padding
  elseif padding == "one" then
    layer.padding = shape.rank == 1 and 1 or pair_field(rng, 1, 1)
  elseif rng:chance(0.5) then
    layer.padding = 0
  end
  if rng:chance(0.3) then
    layer.bias = false
  elseif rng:chance(0.3) then
    layer.bias = true
  end
  layer.activation = rng:pick(HIDDEN_ACTIVATIONS)
  if layer.activation == "leaky_relu" and rng:chance(0.7) then
    layer.alpha = rng:uniform(0, 0.9)
  end
  layers[#layers + 1] = layer
  return { rank = shape.rank, c = layer.filters, h = shape.rank == 1 and 1 or out[1], w = out[#out] }
end

local function random_pool_layer(rng, shape, layers)
  local kind = rng:pick({ "maxpool", "avgpool" }) .. (shape.rank == 1 and "1d" or "2d")
  local dims = shape.rank == 1 and { "w" } or { "h", "w" }
  local k, s, out = {}, {}, {}
  local explicit = rng:chance(0.5)
  for i, dim in ipairs(dims) do
    k[i] = math.min(rng:int(1, 3), shape[dim])
    s[i] = explicit and rng:int(1, 2) or k[i]
    out[i] = window_size(shape[dim], k[i], s[i], 1, 0, 0)
  end
  local function field(values)
    return shape.rank == 1 and values[1] or pair_field(rng, values[1], values[2])
  end
  local layer = { type = kind, kernel = field(k) }
  if explicit then layer.stride = field(s) end
  layers[#layers + 1] = layer
  return { rank = shape.rank, c = shape.c, h = shape.rank == 1 and 1 or out[1], w = out[#out] }
end

local function random_batchnorm(rng, layers, allow_softmax)
  local layer = { type = "batchnorm" }
  if rng:chance(0.4) then layer.eps = rng:log_uniform(1e-5, 1e-2) end
  if rng:chance(0.4) then layer.momentum = rng:uniform(0.05, 0.9) end
  if rng:chance(0.6) then
    layer.activation = rng:pick(allow_softmax and ALL_ACTIVATIONS or HIDDEN_ACTIVATIONS)
    if layer.activation == "leaky_relu" and rng:chance(0.7) then
      layer.alpha = rng:uniform(0, 0.9)
    end
  end
  layers[#layers + 1] = layer
end

local function output_activation(rng, loss)
  if loss == "bce" then return "sigmoid" end
  if loss == "ce" then return "softmax" end
  return rng:pick(ALL_ACTIVATIONS)
end

local function random_conv_optimizer(rng)
  local kind = rng:pick({ "default", "sgd", "momentum", "adam", "adamw", "adamw_defaults" })
  local opt
  if kind == "default" then
    return nil
  elseif kind == "sgd" then
    opt = { type = "sgd", lr = rng:log_uniform(0.01, 0.5) }
  elseif kind == "momentum" then
    opt = { type = "momentum", lr = rng:log_uniform(0.01, 0.3), beta = rng:uniform(0, 0.99) }
  elseif kind == "adam" then
    opt = { type = "adam", lr = rng:log_uniform(0.001, 0.1), beta1 = rng:uniform(0.5, 0.95),
            beta2 = rng:uniform(0.9, 0.9999), eps = rng:log_uniform(1e-8, 1e-4) }
  elseif kind == "adamw" then
    opt = { type = "adamw", lr = rng:log_uniform(0.001, 0.1) }
  else
    return { type = "adamw" }
  end
  if rng:chance(0.6) then
    opt.weight_decay = rng:log_uniform(0.001, 0.5)
  end
  return opt
end

-- Ends: a flatten and dense layers, a global_avgpool and a dense layer, a dense layer straight
-- on the spatial tensor (flattened in feature order), a flat batchnorm between dense layers, or
-- the spatial tensor itself as the output (mse).
local ENDINGS = { "flatten", "global_avgpool", "dense", "flat_batchnorm", "spatial" }

-- A bias (or a batchnorm's beta) that reaches a batchnorm through nothing but linear steps (a
-- linear activation, pools, flatten, global_avgpool; or a relu or leaky_relu whose inputs all
-- have one sign, which random data can give) only shifts each channel by a constant, which the
-- batchnorm subtracts again: its exact gradient is 0, so what a model computes for it is rounding
-- noise, and Adam's normalized step turns that noise into steps of lr; no tolerance can compare
-- those with the reference engine. PyTorch users drop such biases (bias = False before
-- BatchNorm), and so does the family: a conv there loses its bias, a dense layer or a batchnorm
-- gets tanh, which is nonlinear everywhere.
local PASS_THROUGH = { maxpool1d = true, avgpool1d = true, maxpool2d = true, avgpool2d = true,
  global_avgpool = true, flatten = true }
local NONLINEAR_EVERYWHERE = { tanh = true, sigmoid = true }

local function avoid_redundant_biases(layers)
  for i, layer in ipairs(layers) do
    if layer.type == "batchnorm" then
      local j = i - 1
      while j >= 1 and PASS_THROUGH[layers[j].type] do
        j = j - 1
      end
      local before = layers[j]
      if before and not NONLINEAR_EVERYWHERE[before.activation] then
        if before.type == "conv1d" or before.type == "conv2d" then
          before.bias = false
        else
          before.activation = "tanh"
          before.alpha = nil
        end
      end
    end
  end
end

local function random_conv_spec(rng, index)
  local rank = index % 2 + 1
  local shape, input
  local channels = rng:int(1, 4)
  if rank == 1 then
    shape = { rank = 1, c = channels, h = 1, w = rng:int(4, 9) }
    input = { channels = channels, length = shape.w }
  else
    shape = { rank = 2, c = channels, h = rng:int(3, 6), w = rng:int(3, 6) }
    input = { channels = channels, height = shape.h, width = shape.w }
  end
  local layers = {}
  for _ = 1, rng:int(1, 3) do
    local what = rng:pick({ "conv", "conv", "pool", "batchnorm" })
    if what == "conv" then
      shape = random_conv_layer(rng, shape, layers)
    elseif what == "pool" then
      shape = random_pool_layer(rng, shape, layers)
    else
      random_batchnorm(rng, layers, false)
    end
  end
  local ending = ENDINGS[index % #ENDINGS + 1]
  local loss = ending == "spatial" and "mse" or rng:pick(LOSSES)
  if ending == "spatial" then
    shape = random_conv_layer(rng, shape, layers)
  else
    if ending == "flatten" then
      layers[#layers + 1] = { type = "flatten" }
      layers[#layers + 1] = { units = rng:int(1, 5), activation = rng:pick(HIDDEN_ACTIVATIONS) }
    elseif ending == "global_avgpool" then
      layers[#layers + 1] = { type = "global_avgpool" }
    elseif ending == "flat_batchnorm" then
      layers[#layers + 1] = { type = "flatten" }
      layers[#layers + 1] = { type = "dense", units = rng:int(2, 5), activation = "linear" }
      random_batchnorm(rng, layers, false)
    end
    local last = { units = rng:int(1, 4), activation = output_activation(rng, loss) }
    if rng:chance(0.5) then last.type = "dense" end
    if last.activation == "softmax" then last.units = math.max(last.units, 2) end
    layers[#layers + 1] = last
  end
  avoid_redundant_biases(layers)
  local spec = {
    name = string.format("cnv%02d", index),
    input = input,
    batch = rng:int(2, 4),
    layers = layers,
    loss = loss,
    dtype = rng:pick({ "float", "double" }),
    optimizer = random_conv_optimizer(rng),
    v2 = true,
  }
  -- Batch statistics over the family's 2 to 4 samples (times a few positions) are badly
  -- conditioned: x - mu of nearly equal values, scaled by 1 / sqrt(s2 + eps), amplifies float's
  -- rounding of x a thousandfold in the gradient. Against the double reference only double can be
  -- judged; float batchnorm is checked against PyTorch (tests/torch) on larger batches.
  for _, layer in ipairs(layers) do
    if layer.type == "batchnorm" then
      spec.dtype = "double"
    end
  end
  local unroll = rng:pick({ "default", "auto", "full", "loops" })
  if unroll ~= "default" then
    spec.unroll = unroll
  end
  if rng:chance(0.75) then
    spec.init = { scheme = rng:pick(INIT_SCHEMES), seed = rng:int(0, 100000) }
  end
  return spec
end


local function case_header(case)
  local tensors, param_count = refspec.tensor_table(case)
  return table.concat({
    string.format("/* Test case %s, generated by tests/cases.lua from %s; do not edit. */",
      case.name, case.path),
    string.format("#define GM_CASE_DOUBLE %d", case.dtype == "double" and 1 or 0),
    string.format("#define GM_CASE_PARAM_COUNT %d", param_count),
    string.format("#define GM_CASE_INPUT_RANK %d", case.input_shape.rank),
    "#define GM_FOR_EACH_TENSOR(X) \\",
    tensors,
    "",
    refspec.ref_net_text(case, "gm_case", "gm_case_layers"),
  }, "\n")
end

---------------------------------------------------------------------------------------------------
-- Coverage: the family must exercise every feature the contract names, or the run stops.

local function coverage_keys(case)
  local keys = {}
  local last = case.layers[#case.layers]
  local function add(key) keys[#keys + 1] = key end
  for _, layer in ipairs(case.layers) do
    add("activation " .. layer.activation)
  end
  add("loss " .. case.loss)
  add("dtype " .. case.dtype)
  add("unroll " .. case.unroll)
  add("optimizer " .. case.optimizer.type)
  add("init " .. case.init.scheme)
  add("depth " .. #case.layers)
  add("last " .. last.activation .. " + " .. case.loss)
  if last.activation == "sigmoid" and case.loss == "bce" and last.units >= 2 then
    add("multi-output sigmoid + bce")
  end
  if case.batch >= 3 and case.loss == "ce" then
    add("ce with columns not summing to 1")
  end
  return keys
end

local REQUIRED = {
  "activation linear", "activation sigmoid", "activation tanh", "activation relu",
  "activation leaky_relu", "activation softmax",
  "loss bce", "loss mse", "loss ce", "dtype float", "dtype double",
  "unroll auto", "unroll full", "unroll loops",
  "optimizer sgd", "optimizer momentum", "optimizer adam",
  "init xavier", "init he", "init uniform",
  "depth 1", "depth 2", "depth 3", "depth 4",
  "last softmax + mse", "last sigmoid + mse", "last softmax + ce", "multi-output sigmoid + bce",
  "ce with columns not summing to 1",
}

local function check_coverage(cases)
  local missing = specfiles.missing_coverage(cases, coverage_keys, REQUIRED)[1]
  if missing then
    error("the random family does not cover '" .. missing .. "': change FAMILY_SEED", 0)
  end
end

---------------------------------------------------------------------------------------------------
-- Output.

-- Coverage of the conv family: every layer type, padding form, stride, dilation, grouping, bias
-- choice, ending, batchnorm placement, optimizer (with and without weight decay) and dtype.
local function conv_coverage_keys(case)
  local keys = {}
  local function add(key) keys[#keys + 1] = key end
  add("input rank " .. case.input_shape.rank)
  add("dtype " .. case.dtype)
  add("optimizer " .. case.optimizer.type)
  add("loss " .. case.loss)
  if case.optimizer.weight_decay > 0 then
    add("weight_decay with " .. case.optimizer.type)
  end
  if case.layers[#case.layers].out.rank ~= 0 then
    add("spatial output")
  end
  local previous_rank = case.input_shape.rank
  for l, layer in ipairs(case.layers) do
    add("layer " .. layer.kind)
    if layer.filters then
      local rank = layer.kind == "conv1d" and 1 or 2
      for i = rank == 1 and 2 or 1, 2 do
        if layer.pad_before[i] ~= layer.pad_after[i] then add("asymmetric same padding") end
        if layer.pad_before[i] > 0 then add("padding > 0") end
        if layer.stride[i] > 1 then add("conv stride 2") end
        if layer.dilation[i] > 1 then add("dilation 2") end
      end
      if rank == 2 and (layer.kernel[1] ~= layer.kernel[2]) then add("conv2d kernel h ~= w") end
      local in_channels = l == 1 and case.input_shape.c or case.layers[l - 1].out.c
      if layer.groups > 1 and layer.groups == in_channels and layer.groups == layer.filters then
        add("depthwise")
      elseif layer.groups > 1 then
        add("groups")
      end
      if not layer.bias then add("no bias") end
    end
    if layer.kind:match("pool%dd$") and (layer.stride[2] ~= layer.kernel[2]) then
      add("pool stride ~= kernel")
    end
    if layer.kind == "batchnorm" then
      add(previous_rank == 0 and "batchnorm flat" or "batchnorm spatial")
      if layer.activation ~= "linear" then add("batchnorm activation") end
    end
    if layer.kind == "dense" and previous_rank ~= 0 then
      add("dense on a spatial input")
    end
    previous_rank = layer.out.rank
  end
  return keys
end

local CONV_REQUIRED = {
  "input rank 1", "input rank 2", "dtype float", "dtype double",
  "optimizer sgd", "optimizer momentum", "optimizer adam", "optimizer adamw",
  "weight_decay with sgd", "weight_decay with momentum", "weight_decay with adam",
  "weight_decay with adamw", "loss bce", "loss mse", "loss ce", "spatial output",
  "layer conv1d", "layer conv2d", "layer maxpool1d", "layer avgpool1d", "layer maxpool2d",
  "layer avgpool2d", "layer global_avgpool", "layer batchnorm", "layer flatten", "layer dense",
  "asymmetric same padding", "padding > 0", "conv stride 2", "dilation 2", "conv2d kernel h ~= w",
  "depthwise", "groups", "no bias", "pool stride ~= kernel", "batchnorm flat", "batchnorm spatial",
  "batchnorm activation", "dense on a spatial input",
}

local function check_conv_coverage(cases)
  local missing = specfiles.missing_coverage(cases, conv_coverage_keys, CONV_REQUIRED)[1]
  if missing then
    error("the conv family does not cover '" .. missing .. "': change CONV_FAMILY_SEED", 0)
  end
end

local function cases_mk(cases, conv_cases)
  local names, conv_names = {}, {}
  local out = { "# Generated by tests/cases.lua; do not edit." }
  for i, case in ipairs(cases) do
    names[i] = case.name
    out[#out + 1] = string.format("GM_SPEC_%s := %s", case.name, case.path)
    out[#out + 1] = string.format("GM_UNAME_%s := %s", case.name, case.name:upper())
  end
  for i, case in ipairs(conv_cases) do
    conv_names[i] = case.name
    out[#out + 1] = string.format("GM_SPEC_%s := %s", case.name, case.path)
    out[#out + 1] = string.format("GM_UNAME_%s := %s", case.name, case.name:upper())
  end
  table.insert(out, 2, "GM_CASES := " .. table.concat(names, " "))
  table.insert(out, 3, "GM_CONV_CASES := " .. table.concat(conv_names, " "))
  return table.concat(out, "\n") .. "\n"
end

local function models_def(cases)
  local out = { "/* Generated by tests/cases.lua; do not edit. One line per generated model. */" }
  for _, case in ipairs(cases) do
    out[#out + 1] = string.format("GM_MODEL(%s)", case.name)
  end
  return table.concat(out, "\n") .. "\n"
end

-- Every conv case header in one translation unit, each under its own names, so that each is
-- compiled (by any make check-models, generator or not) and the reference engine can check its
-- own gradients on each; ref_conv_case_layout_ok[i] checks case i's GM_FOR_EACH_TENSOR (this
-- file's layout) against the engine's offsets and sizes.
local function conv_cases_c(conv_cases)
  local out = {
    "/* Generated by tests/cases.lua; do not edit. The conv family's case headers as one table. */",
    "#include <stddef.h>",
    "",
    "#include \"ref.h\"",
    "#include \"ref_cases.h\"",
    "",
    "#define LAYOUT_CHECK(field, offset_of, layer, offset, rows, cols) \\",
    "    ok &= offset_of(net, layer) == (size_t)(offset) && \\",
    "          ref_layer_offset(net, layer) <= (size_t)(offset) && \\",
    "          (size_t)(offset) + (size_t)(rows) * (size_t)(cols) <= ref_layer_offset(net, (layer) + 1);",
    "",
  }
  for _, case in ipairs(conv_cases) do
    for _, line in ipairs({
      string.format("#define gm_case gm_case_%s", case.name),
      string.format("#define gm_case_layers gm_case_layers_%s", case.name),
      string.format("#include \"%s_case.h\"", case.name),
      string.format("static int layout_ok_%s(void)", case.name),
      "{",
      "    const ref_net *net = &gm_case;",
      "    int ok = ref_param_count(net) == GM_CASE_PARAM_COUNT;",
      "    GM_FOR_EACH_TENSOR(LAYOUT_CHECK)",
      "    return ok;",
      "}",
      "#undef gm_case",
      "#undef gm_case_layers",
      "#undef GM_CASE_DOUBLE",
      "#undef GM_CASE_PARAM_COUNT",
      "#undef GM_CASE_INPUT_RANK",
      "#undef GM_FOR_EACH_TENSOR",
      "",
    }) do
      out[#out + 1] = line
    end
  end
  out[#out + 1] = string.format("const int ref_conv_case_count = %d;", #conv_cases)
  local nets, checks = {}, {}
  for i, case in ipairs(conv_cases) do
    nets[i] = "    &gm_case_" .. case.name .. ","
    checks[i] = "    layout_ok_" .. case.name .. ","
  end
  out[#out + 1] = "const ref_net *const ref_conv_cases[] = {"
  table.move(nets, 1, #nets, #out + 1, out)
  out[#out + 1] = "    NULL,"
  out[#out + 1] = "};"
  out[#out + 1] = "int (*const ref_conv_case_layout_ok[])(void) = {"
  table.move(checks, 1, #checks, #out + 1, out)
  out[#out + 1] = "    NULL,"
  out[#out + 1] = "};"
  return table.concat(out, "\n") .. "\n"
end

-- The given specs, then the random family (each with its spec text, to be written next to it),
-- and, separately, the conv family.
local function collect_cases(outdir, spec_paths)
  local cases, conv_cases, names = {}, {}, {}
  local function add(list, case)
    assert(not names[case.name], "two cases are named " .. case.name)
    assert(#case.layers <= 1000, case.name .. ": the reference engine holds at most 1000 layers")
    names[case.name] = true
    list[#list + 1] = case
  end
  for _, path in ipairs(spec_paths) do
    add(cases, resolve(specfiles.load_spec(path), path))
  end
  local rng, family = new_rng(FAMILY_SEED), {}
  for index = 0, FAMILY_SIZE - 1 do
    local spec = random_spec(rng, index)
    local case = resolve(spec, outdir .. "/" .. spec.name .. ".lua")
    case.spec_text = spec_text(spec)
    family[#family + 1] = case
    add(cases, case)
  end
  check_coverage(family)
  local conv_rng = new_rng(CONV_FAMILY_SEED)
  for index = 0, CONV_FAMILY_SIZE - 1 do
    local spec = random_conv_spec(conv_rng, index)
    local case = resolve(spec, outdir .. "/" .. spec.name .. ".lua")
    case.spec_text = v2_spec_text(spec)
    add(conv_cases, case)
  end
  check_conv_coverage(conv_cases)
  return cases, conv_cases
end

local function main(args)
  local outdir = assert(args[1], "usage: lua5.4 tests/cases.lua OUTDIR [SPEC.lua ...]")
  local spec_paths = table.move(args, 2, #args, 1, {})
  local cases, conv_cases = collect_cases(outdir, spec_paths)
  for _, list in ipairs({ cases, conv_cases }) do
    for _, case in ipairs(list) do
      if case.spec_text then
        write_if_changed(case.path, case.spec_text)
      end
      write_if_changed(outdir .. "/" .. case.name .. "_case.h", case_header(case))
    end
  end
  write_if_changed(outdir .. "/models.def", models_def(cases))
  write_if_changed(outdir .. "/conv_models.def", models_def(conv_cases))
  write_if_changed(outdir .. "/ref_conv_cases.c", conv_cases_c(conv_cases))
  write_if_changed(outdir .. "/cases.mk", cases_mk(cases, conv_cases))
end

main(arg)
