-- Planning: from a validated model to everything emission needs to know — names, shapes, byte
-- sizes, FLOPs and per-layer unroll decisions. No C text here.
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

local function plan_layers(model)
  local layers = {}
  local n_in = model.input
  local batch_macs, sample_macs = {}, {}
  for l, spec_layer in ipairs(model.layers) do
    sample_macs[l] = n_in * spec_layer.units
    batch_macs[l] = sample_macs[l] * model.batch
    n_in = spec_layer.units
  end
  local batch_modes, sample_modes = unroll_modes(model, batch_macs), unroll_modes(model, sample_macs)
  n_in = model.input
  for l, spec_layer in ipairs(model.layers) do
    local n_out = spec_layer.units
    local macs = n_in * n_out * model.batch
    layers[l] = {
      index = l,
      n_in = n_in,
      n_out = n_out,
      activation = spec_layer.activation,
      alpha = spec_layer.alpha,
      W = "W" .. l, b = "b" .. l, Z = "Z" .. l, dZ = "dZ" .. l,
      -- a linear layer's activation is its Z: the cache keeps no copy
      A = spec_layer.activation == "linear" and ("Z" .. l) or ("A" .. l),
      has_A = spec_layer.activation ~= "linear",
      A_prev = l == 1 and "A0" or nil, -- filled below for l > 1
      unroll = batch_modes[l],
      unroll_predict = sample_modes[l],
      macs = macs,
      params = n_out * n_in + n_out,
    }
    if l > 1 then
      layers[l].A_prev = layers[l - 1].A
    end
    -- A hidden layer keeps only A: every derivative can be taken from it (relu and leaky_relu:
    -- A > 0 exactly when Z > 0), so its Z is computed in place. The last layer keeps Z as well,
    -- for the cost computed stably from the logits.
    if l < #model.layers and layers[l].has_A then
      layers[l].Z = layers[l].A
    end
    n_in = n_out
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
  local cache_reals = sum_over(layers, function(x) return x.n_out * m * (x.Z ~= x.A and 2 or 1) end)
  -- looped layers compute dW against a transposed copy of their input, one layer at a time
  local transposed_reals = 0
  for _, layer in ipairs(layers) do
    if layer.unroll == "loops" then
      transposed_reals = math.max(transposed_reals, layer.n_in * m)
    end
  end
  local scratch_reals = sum_over(layers, function(x) return x.n_out * m end) + transposed_reals
  local optimizer_copies = ({ sgd = 0, momentum = 1, adam = 2 })[model.optimizer.type]
  local forward_flops = sum_over(layers, function(x) return 2 * x.macs end)
  -- backward: dW for every layer, and dA for every layer but the first
  local backward_flops = sum_over(layers, function(x) return 2 * x.macs * (x.index > 1 and 2 or 1) end)
  -- multiply-adds written out as statements in backward: dW, and dZ propagated below the layer
  local unrolled_backward_macs = sum_over(layers, function(x)
    return x.unroll == "full" and x.macs * (x.index > 1 and 2 or 1) or 0
  end)
  local hidden_width = 0 -- widest layer whose output is neither x nor y
  for l = 1, L - 1 do
    hidden_width = math.max(hidden_width, layers[l].n_out)
  end

  return {
    model = model,
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
      -- adam also keeps its step count and beta powers (at most 32 bytes with padding)
      optimizer = optimizer_copies * model.param_count * real_bytes
        + (model.optimizer.type == "adam" and 32 or 0),
      -- one-sample inference keeps two hidden activation vectors alive at once (ping-pong)
      infer = 2 * hidden_width * real_bytes,
      -- the frame of backward and train_step beyond their buffers, as measured on a Cortex-M4F
      -- (make check-cross): the tiles' 1 KB and the rest of a loops-only frame, and about a byte
      -- of spills per unrolled multiply-add (a 30-layer net at the unroll budget: 2768 B)
      frame_allowance = 1536 + unrolled_backward_macs,
    },
    flops = {
      forward = forward_flops,
      train_step = forward_flops + backward_flops + 2 * model.param_count,
    },
  }
end

return M
