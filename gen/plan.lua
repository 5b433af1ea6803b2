-- Planning: from a validated model to everything emission needs to know — names, shapes, byte
-- sizes, FLOPs and per-layer unroll decisions. No C text here.
local kinds = require("ops.kinds")
local optimizers = require("ops.optimizers")
local shape = require("ops.shape")
local standardize = require("ops.standardize")

local M = {}

-- `auto` unrolls a layer fully while its multiply-adds per batch stay below this: straight-line
-- code wins for tiny layers (no loop overhead, constants folded) and loses to vectorized loops,
-- in time and code size, beyond. The performance issue tunes it with measurements.
M.AUTO_FULL_MACS = 256

-- ... and while the unrolled multiply-adds of the whole function stay within this budget, so that
-- a deep net of small layers does not become megabytes of straight-line code (a 30-layer 16-unit
-- net wrote a 2 MB kernels file that took 54 s to compile). The budget is per function: forward
-- and predict each unroll at most this many multiply-adds; backward, which forms dW and propagates
-- dZ for the same layers, at most twice as many. The random family's largest nets (4 layers of
-- 7 x 7 x 5) stay within it.
M.AUTO_FUNCTION_MACS = 1024

local REAL_BYTES = { float = 4, double = 8 }

-- The unroll mode of each layer for one function, given each layer's multiply-adds in it.
local function unroll_modes(model, macs_of_layer)
  local modes, budget = {}, M.AUTO_FUNCTION_MACS
  for l, macs in ipairs(macs_of_layer) do
    if model.unroll ~= "auto" then
      modes[l] = model.unroll
    elseif macs <= M.AUTO_FULL_MACS and macs <= budget then
      modes[l], budget = "full", budget - macs
    else
      modes[l] = "loops"
    end
  end
  return modes
end

-- The parameter tensors of a layer, in <name>_params order: name, dims, how init fills it
-- ("weight": drawn with fan_in / fan_out; "zero"; "one"), and whether the optimizer trains it
-- (batchnorm's running statistics are state: weights files and const builds carry them, the
-- optimizer never changes them, their gradient is 0).
local function layer_tensors(layer, spec_layer)
  local l = layer.index
  if spec_layer.kind == "dense" then
    return {
      { name = "W" .. l, dims = { layer.n_out, layer.n_in }, init = "weight", fan_in = layer.n_in,
        fan_out = layer.n_out, trainable = true, decays = true },
      { name = "b" .. l, dims = { layer.n_out }, init = "zero", trainable = true, decays = true },
    }
  elseif spec_layer.kind == "conv1d" or spec_layer.kind == "conv2d" then
    local channels = spec_layer.in_shape.channels // spec_layer.groups
    local positions = spec_layer.kernel[1] * spec_layer.kernel[2]
    local dims = spec_layer.rank == 1 and { spec_layer.filters, channels, spec_layer.kernel[2] }
      or { spec_layer.filters, channels, spec_layer.kernel[1], spec_layer.kernel[2] }
    local tensors = {
      { name = "W" .. l, dims = dims, init = "weight", fan_in = channels * positions,
        fan_out = spec_layer.filters * positions, trainable = true, decays = true },
    }
    if spec_layer.bias then
      tensors[2] = { name = "b" .. l, dims = { spec_layer.filters }, init = "zero", trainable = true,
        decays = true }
    end
    return tensors
  elseif spec_layer.kind == "standardize" then
    return standardize.tensors(layer)
  elseif spec_layer.kind == "batchnorm" then
    local c = spec_layer.channels
    return {
      { name = "gamma" .. l, dims = { c }, init = "one", trainable = true, decays = true },
      { name = "beta" .. l, dims = { c }, init = "zero", trainable = true, decays = true },
      { name = "mean" .. l, dims = { c }, init = "zero", trainable = false },
      { name = "var" .. l, dims = { c }, init = "one", trainable = false },
    }
  end
  return {}
end

-- Multiply-adds of one sample through a layer (pools and batchnorm: none counted).
local function sample_macs_of(spec_layer)
  local n_in, n_out = shape.features(spec_layer.in_shape), shape.features(spec_layer.out_shape)
  if spec_layer.kind == "dense" then
    return n_in * n_out
  elseif spec_layer.kind == "conv1d" or spec_layer.kind == "conv2d" then
    return n_out * (spec_layer.in_shape.channels // spec_layer.groups) * spec_layer.kernel[1]
      * spec_layer.kernel[2]
  end
  return 0
end

-- The layers that compute, in order (flatten moves no data, so it is not one of them: the next
-- layer reads its input's array). `index` is the spec's layer number, which names the tensors;
-- the input standardization (ops/standardize.lua) is layer 0.
local function plan_layers(model)
  local computing = {}
  if model.standardize then
    computing[1] = { index = 0, spec = standardize.spec_layer(model) }
  end
  for l, spec_layer in ipairs(model.layers) do
    if spec_layer.kind ~= "flatten" then
      computing[#computing + 1] = { index = l, spec = spec_layer }
    end
  end
  -- only dense layers unroll: the budget counts theirs, and the other kinds never take from it
  local batch_macs, sample_macs = {}, {}
  for i, item in ipairs(computing) do
    local dense_layer = item.spec.kind == "dense"
    sample_macs[i] = dense_layer and sample_macs_of(item.spec) or math.huge
    batch_macs[i] = sample_macs[i] * model.batch
  end
  local batch_modes, sample_modes = unroll_modes(model, batch_macs), unroll_modes(model, sample_macs)
  local layers = {}
  for i, item in ipairs(computing) do
    local spec_layer, l = item.spec, item.index
    local n_in, n_out = shape.features(spec_layer.in_shape), shape.features(spec_layer.out_shape)
    local dense_layer = spec_layer.kind == "dense"
    local layer = {
      index = l,
      position = i,
      -- backward forms dZ for the layer below (none for the first layer or the standardization)
      propagates = i > 1 and computing[i - 1].spec.kind ~= "standardize",
      kind = spec_layer.kind,
      spec = spec_layer,
      in_shape = spec_layer.in_shape,
      out_shape = spec_layer.out_shape,
      n_in = n_in,
      n_out = n_out,
      activation = spec_layer.activation,
      alpha = spec_layer.alpha,
      W = "W" .. l, b = "b" .. l, Z = "Z" .. l, dZ = spec_layer.kind ~= "standardize" and "dZ" .. l or nil,
      -- a linear layer's activation is its Z: the cache keeps no copy
      A = spec_layer.activation == "linear" and ("Z" .. l) or ("A" .. l),
      has_A = spec_layer.activation ~= "linear",
      A_prev = i == 1 and "A0" or layers[i - 1].A,
      unroll = dense_layer and batch_modes[i] or "loops",
      unroll_predict = dense_layer and sample_modes[i] or "loops",
      macs = sample_macs_of(spec_layer) * model.batch,
      params = spec_layer.params,
    }
    layer.tensors = layer_tensors(layer, spec_layer)
    -- A hidden layer keeps only A: every derivative can be taken from it (relu and leaky_relu:
    -- A > 0 exactly when Z > 0), so its Z is computed in place. The last layer keeps Z as well,
    -- for the cost computed stably from the logits.
    if i < #computing and layer.has_A then
      layer.Z = layer.A
    end
    -- the standardized input, which the first spec layer reads
    if layer.kind == "standardize" then
      layer.Z, layer.A = "X_std", "X_std"
    end
    -- batchnorm keeps its batch statistics for backward and the running-statistics update
    if layer.kind == "batchnorm" then
      layer.batch_mean, layer.batch_var = "batch_mean" .. l, "batch_var" .. l
    end
    layers[i] = layer
  end
  return layers
end

local function sum_over(layers, field)
  local total = 0
  for _, layer in ipairs(layers) do
    total = total + field(layer)
  end
  return total
end

function M.build(model)
  local layers = plan_layers(model)
  local L = #layers
  local real_bytes = REAL_BYTES[model.dtype]
  local m = model.batch
  local cache_reals = sum_over(layers, function(x)
    return x.n_out * m * (x.Z ~= x.A and 2 or 1) + (x.batch_mean and 2 * x.spec.channels or 0)
  end)
  -- looped dense layers compute dW against a transposed copy of their input, and conv layers
  -- against their input rows gathered a chunk of positions at a time, one layer at a time
  local transposed_reals = 0
  for _, layer in ipairs(layers) do
    if layer.kind == "dense" and layer.unroll == "loops" then
      transposed_reals = math.max(transposed_reals, layer.n_in * m)
    elseif kinds[layer.kind] and kinds[layer.kind].gathered_reals then
      transposed_reals = math.max(transposed_reals, kinds[layer.kind].gathered_reals(layer, m, real_bytes))
    end
  end
  local scratch_reals = sum_over(layers, function(x) return x.dZ and x.n_out * m or 0 end) + transposed_reals
  local optimizer = optimizers.BY_TYPE[model.optimizer.type]
  local forward_flops = sum_over(layers, function(x) return 2 * x.macs end)
  -- backward: dW for every layer, and dA for every layer but the first
  local backward_flops = sum_over(layers, function(x) return 2 * x.macs * (x.propagates and 2 or 1) end)
  -- multiply-adds written out as statements in backward: dW, and dZ propagated below the layer
  local unrolled_backward_macs = sum_over(layers, function(x)
    return x.unroll == "full" and x.macs * (x.propagates and 2 or 1) or 0
  end)
  -- a convolution's implicit products gather the input rows under its taps into a table of
  -- pointers (8 bytes each on 64-bit hosts), with a row of zeros (forward) or a discarded row
  -- (backward) for the taps in the padding; the weight gradient's table is rounded up to whole
  -- AVX2 vectors of taps
  local conv_tap_bytes = 0
  for _, layer in ipairs(layers) do
    local spec = layer.spec
    if spec and (spec.kind == "conv1d" or spec.kind == "conv2d") then
      local depth = spec.in_shape.channels // spec.groups * spec.kernel[1] * spec.kernel[2]
      local lanes = 32 // real_bytes
      local columns = (depth + lanes - 1) // lanes * lanes
      conv_tap_bytes = math.max(conv_tap_bytes, 8 * columns + m * real_bytes)
    end
  end
  local hidden_width = 0 -- widest layer whose output is neither x nor y
  for l = 1, L - 1 do
    hidden_width = math.max(hidden_width, layers[l].n_out)
  end

  -- every parameter tensor in <name>_params order, each with its element count and the offset of
  -- its first element in the flat parameter list (what a weights file holds)
  local tensors, offset = {}, 0
  for _, layer in ipairs(layers) do
    for _, tensor in ipairs(layer.tensors) do
      local count = 1
      for _, d in ipairs(tensor.dims) do
        count = count * d
      end
      tensor.count, tensor.offset = count, offset
      offset = offset + count
      tensors[#tensors + 1] = tensor
    end
  end

  return {
    model = model,
    tensors = tensors,
    input_shape = model.input_shape,
    name = model.name,
    NAME = model.name:upper(),
    real = model.name .. "_real",
    dtype = model.dtype,
    ctype = model.dtype,
    fn_suffix = model.dtype == "float" and "f" or "", -- expf vs exp
    batch = m,
    inputs = model.input,
    outputs = layers[L].n_out,
    layers = layers,
    last = layers[L],
    param_count = model.param_count,
    hidden_width = hidden_width,
    transposed_reals = transposed_reals,
    unrolled_backward_macs = unrolled_backward_macs,
    bytes = {
      params = model.param_count * real_bytes,
      grads = model.param_count * real_bytes,
      cache = cache_reals * real_bytes,
      scratch = scratch_reals * real_bytes,
      optimizer = optimizer.state_copies * model.param_count * real_bytes + optimizers.step_bytes(model),
      -- one-sample inference keeps two hidden activation vectors alive at once (ping-pong)
      infer = 2 * hidden_width * real_bytes,
      -- the frame of backward and train_step beyond their buffers, as measured on a Cortex-M4F
      -- (make check-cross): the tiles' 1 KB and the rest of a loops-only frame, and about a byte
      -- of spills per unrolled multiply-add (a 30-layer net at the unroll budget: 2768 B), and
      -- a convolution's table of tap rows
      frame_allowance = 1536 + unrolled_backward_macs + conv_tap_bytes,
    },
    flops = {
      forward = forward_flops,
      train_step = forward_flops + backward_flops + 2 * model.param_count,
    },
  }
end

return M
