-- lua5.4 tests/torch/spec2json.lua SPEC.lua > spec.json
--
-- A spec as JSON with every documented default applied, for tests/torch/torch_model.py to build
-- the same network in PyTorch. Deliberately independent of the generator (no gen/ module is
-- used): the defaults and the shape rules are written out again here from the spec
-- documentation, so a generator that applies a wrong default disagrees with PyTorch instead of
-- agreeing with itself. The spec is evaluated with the globals the generator's sandbox gives it;
-- check.py runs the generator on it first, so it is valid and its evaluation is bounded.
--
-- Output (one object; integers as JSON integers, other numbers with 17 significant digits):
--   name, dtype ("float"|"double"), batch, loss, unroll,
--   input: [n] | [C, L] | [C, H, W]        the input's shape
--   optimizer: { type, lr, beta | beta1, beta2, eps, weight_decay }  (the keys of its type)
--   init: { scheme, seed }
--   layers: array of { type, ... } with, per type:
--     dense            units, activation, alpha
--     conv1d, conv2d   filters, kernel, stride, dilation (arrays of 1 or 2 integers),
--                      padding ("same" or an array like kernel), groups, bias, activation, alpha
--     *pool1d, *pool2d kernel, stride (arrays)
--     batchnorm        eps, momentum, activation, alpha
--     global_avgpool, flatten   no fields
--   Every layer also has "input" and "output": its shapes, as for the network's input.
local path = assert(arg[1], "usage: lua5.4 spec2json.lua SPEC.lua")

local here = arg[0]:match("^(.*)/[^/]*$") or "."
local spec = dofile(here .. "/../ref/specfiles.lua").load_spec(path)

-- ---- JSON ---------------------------------------------------------------------------------------

local encode

-- (No empty arrays occur in the output, so an empty table is an object.)
local function is_array(value)
  return #value > 0
end

local function number(value)
  if math.type(value) == "integer" then
    return string.format("%d", value)
  end
  if value ~= value or value == math.huge or value == -math.huge then
    error("not a finite number: " .. tostring(value))
  end
  return string.format("%.17g", value)
end

function encode(value)
  local kind = type(value)
  if kind == "number" then
    return number(value)
  elseif kind == "boolean" then
    return tostring(value)
  elseif kind == "string" then
    return '"' .. value:gsub('[%c"\\]', function(c)
      return string.format("\\u%04x", c:byte())
    end) .. '"'
  elseif kind == "table" and is_array(value) then
    local items = {}
    for i, item in ipairs(value) do
      items[i] = encode(item)
    end
    return "[" .. table.concat(items, ", ") .. "]"
  elseif kind == "table" then
    local keys = {}
    for key in pairs(value) do
      keys[#keys + 1] = key
    end
    table.sort(keys) -- deterministic output
    local items = {}
    for i, key in ipairs(keys) do
      items[i] = encode(key) .. ": " .. encode(value[key])
    end
    return "{" .. table.concat(items, ", ") .. "}"
  end
  error("cannot encode a " .. kind)
end

-- ---- defaults and shapes, as the spec documentation states them ----------------------------------

local function integer(x)
  return math.tointeger(x) or error("not an integer: " .. tostring(x))
end

local function shape_of_input(input)
  if type(input) ~= "table" then
    return { integer(input) }
  elseif input.length then
    return { integer(input.channels), integer(input.length) }
  end
  return { integer(input.channels), integer(input.height), integer(input.width) }
end

local function features(shape)
  local count = 1
  for _, extent in ipairs(shape) do
    count = count * extent
  end
  return count
end

-- An integer or { h, w } as an array of `dims` integers.
local function per_dimension(value, dims)
  if type(value) == "table" then
    local out = {}
    for i = 1, dims do
      out[i] = integer(value[i])
    end
    return out
  end
  local out = {}
  for i = 1, dims do
    out[i] = integer(value)
  end
  return out
end

local function out_size(size, kernel, stride, padding_before, padding_after, dilation)
  return (size + padding_before + padding_after - dilation * (kernel - 1) - 1) // stride + 1
end

local function activation_fields(layer, out)
  out.activation = layer.activation or "linear"
  out.alpha = (layer.alpha or 0.01) + 0.0
end

local function convolution(layer, shape, dims)
  local out = { filters = integer(layer.filters), groups = integer(layer.groups or 1),
    bias = layer.bias ~= false }
  out.kernel = per_dimension(layer.kernel, dims)
  out.stride = per_dimension(layer.stride or 1, dims)
  out.dilation = per_dimension(layer.dilation or 1, dims)
  local padding = layer.padding or 0
  if padding == "valid" then
    padding = 0
  end
  local output = { out.filters }
  for d = 1, dims do
    local before, after
    if padding == "same" then
      local total = out.dilation[d] * (out.kernel[d] - 1)
      before, after = total // 2, total - total // 2
    else
      before = per_dimension(padding, dims)[d]
      after = before
    end
    output[d + 1] = out_size(shape[d + 1], out.kernel[d], out.stride[d], before, after, out.dilation[d])
  end
  out.padding = padding == "same" and "same" or per_dimension(padding, dims)
  activation_fields(layer, out)
  return out, output
end

local function pooling(layer, shape, dims)
  local out = { kernel = per_dimension(layer.kernel, dims) }
  out.stride = per_dimension(layer.stride or layer.kernel, dims)
  local output = { shape[1] }
  for d = 1, dims do
    output[d + 1] = out_size(shape[d + 1], out.kernel[d], out.stride[d], 0, 0, 1)
  end
  return out, output
end

local shape = shape_of_input(spec.input)
local layers = {}
for l, layer in ipairs(spec.layers) do
  local kind = layer.type or "dense"
  local out, output
  if kind == "dense" then
    out, output = { units = integer(layer.units) }, { integer(layer.units) }
    activation_fields(layer, out)
  elseif kind == "conv1d" or kind == "conv2d" then
    out, output = convolution(layer, shape, kind == "conv1d" and 1 or 2)
  elseif kind:match("pool1d$") or kind:match("pool2d$") then
    out, output = pooling(layer, shape, kind:match("1d$") and 1 or 2)
  elseif kind == "global_avgpool" then
    out, output = {}, { shape[1] }
  elseif kind == "batchnorm" then
    out, output = { eps = (layer.eps or 1e-5) + 0.0, momentum = (layer.momentum or 0.1) + 0.0 }, shape
    activation_fields(layer, out)
  elseif kind == "flatten" then
    out, output = {}, { features(shape) }
  else
    error(string.format("%s: layers[%d]: unknown type %s", path, l, kind))
  end
  out.type, out.input, out.output = kind, shape, output
  layers[l] = out
  shape = output
end

local optimizer_defaults = {
  sgd = { lr = 0.01, weight_decay = 0 },
  momentum = { lr = 0.01, beta = 0.9, weight_decay = 0 },
  adam = { lr = 0.001, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = 0 },
  adamw = { lr = 0.001, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = 0.01 },
}
-- no optimizer, or one without a type, is sgd (docs/spec.md)
local given = spec.optimizer or {}
local optimizer = { type = given.type or "sgd" }
for key, default in pairs(optimizer_defaults[optimizer.type]) do
  local value = given[key]
  if value == nil then
    value = default
  end
  optimizer[key] = value + 0.0
end
-- The schedule with the defaults of docs/spec.md (gamma 0.1, min_lr 0).
if given.schedule then
  local schedule = given.schedule
  if schedule.type == "step" then
    optimizer.schedule = { type = "step", every = integer(schedule.every), gamma = (schedule.gamma or 0.1) + 0.0 }
  else
    optimizer.schedule = { type = "cosine", steps = integer(schedule.steps), min_lr = (schedule.min_lr or 0) + 0.0 }
  end
end
local init = spec.init or {}

io.write(encode({
  name = spec.name,
  dtype = spec.dtype or "float",
  batch = integer(spec.batch),
  loss = spec.loss,
  unroll = spec.unroll or "auto",
  input = shape_of_input(spec.input),
  optimizer = optimizer,
  init = { scheme = init.scheme or "xavier", seed = integer(init.seed or 1) },
  layers = layers,
  standardize = spec.standardize == true,
}), "\n")
