-- Input standardization (the spec's `standardize = true`): layer 0 of the plan, ahead of the
-- spec's layers, computing x' = (x - input_mean) * input_inv_scale per feature. Its two tensors are
-- state like batchnorm's running statistics: in net_params, so weights files and const builds
-- carry them; `make train` fills them from the training split; the optimizer never changes them
-- and their gradient is 0. No gradient is taken through the layer (the input needs none).
local emit = require("emit")
local shape = require("ops.shape")

local M = {}

M.MEAN, M.INV_SCALE = "input_mean", "input_inv_scale"

-- The plan's view of the layer (plan.lua adds the fields every layer has).
function M.spec_layer(model)
  local features = model.input
  return { kind = "standardize", in_shape = model.input_shape, out_shape = model.input_shape,
    activation = "linear", params = 2 * features, channels = features, positions = 1 }
end

function M.tensors(layer)
  return {
    { name = M.MEAN, dims = { layer.n_in }, init = "zero", trainable = false },
    { name = M.INV_SCALE, dims = { layer.n_in }, init = "one", trainable = false },
  }
end

-- Forward, the same in every mode: v.A_prev is the input, v.A the standardized copy.
function M.forward(buf, plan, layer, v, batch)
  buf:loop("i", 0, layer.n_in)
  buf:line("const %s mu = %s%s[i], inv = %s%s[i];", plan.real, v.params, M.MEAN, v.params, M.INV_SCALE)
  buf:loop("j", 0, batch)
  buf:line("%s[i][j] = (%s[i][j] - mu) * inv;", v.A, v.A_prev)
  buf:close()
  buf:close()
end

-- Backward: only the statistics' zero gradient (nothing is propagated to the input).
function M.backward(buf, plan, layer, v)
  if v.grad then
    local zero = emit.literal(0, plan.dtype)
    buf:loop("i", 0, layer.n_in)
    buf:line("%s%s[i] = %s;", v.grad, M.MEAN, zero)
    buf:line("%s%s[i] = %s;", v.grad, M.INV_SCALE, zero)
    buf:close()
  end
end

function M.describe(layer)
  return string.format("standardize %s, x' = (x - %s) * %s", shape.text(layer.in_shape), M.MEAN,
    M.INV_SCALE)
end

-- One sample in double (calibration for int8).
function M.evaluate(layer, p, x)
  local z = {}
  for i = 1, layer.n_in do
    z[i] = (x[i] - p.input_mean[i]) * p.input_inv_scale[i]
  end
  return z
end

-- The per-feature weight and bias of the int8 standalone form (a first layer it cannot fold into).
function M.affine(p)
  local weight, bias = {}, {}
  for i, inv in ipairs(p.input_inv_scale) do
    weight[i] = inv
    bias[i] = -p.input_mean[i] * inv
  end
  return weight, bias
end

return M
