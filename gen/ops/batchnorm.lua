-- Batch normalization per channel (or per feature of a flat input), then the layer's activation.
-- Training mode (forward, backward, train_step): over the N = m x positions values of a channel,
--   mu = mean, s2 = mean of (x - mu)^2, xhat = (x - mu) / sqrt(s2 + eps), y = gamma xhat + beta;
-- backward through the batch statistics:
--   dgamma = sum dy xhat, dbeta = sum dy, dx = gamma / sqrt(s2 + eps) (dy - dbeta/N - xhat dgamma/N);
-- train_step then moves the running statistics: mean = (1 - momentum) mean + momentum mu,
-- var = (1 - momentum) var + momentum s2 N / (N - 1). Inference mode (predict, infer) uses mean
-- and var in place of mu and s2.
local activations = require("ops.activations")
local emit = require("emit")
local q8_pairs = require("q8.pairs")
local q8_x86 = require("q8.x86")
local shape = require("ops.shape")

local M = {}

local FIELDS = { "type", "eps", "momentum", "activation", "alpha" }

function M.validate(ck, raw, ctx)
  local path, input = ctx.path, ctx.in_shape
  ck:known_fields(raw, path, FIELDS)
  local layer = { kind = "batchnorm", in_shape = input, out_shape = input }
  local eps = rawget(raw, "eps")
  layer.eps = ck:number(eps == nil and 1e-5 or eps, path .. ".eps", function(x) return x > 0 end,
    "a number > 0")
  local momentum = rawget(raw, "momentum")
  layer.momentum = ck:number(momentum == nil and 0.1 or momentum, path .. ".momentum",
    function(x) return x >= 0 and x <= 1 end, "a number in [0, 1]")
  layer.activation, layer.alpha = activations.validate(ck, raw, path, false, ctx)
  if layer.activation == "softmax" and shape.is_spatial(input) then
    ck:fail(path .. ".activation", "softmax needs a flat output, and this batchnorm's is "
      .. shape.text(input), "another activation, or a dense layer last")
  end
  layer.channels = shape.is_spatial(input) and input.channels or input.features
  layer.positions = shape.positions(input)
  local values = ctx.batch * layer.positions
  if values < 2 then
    ck:fail(path, string.format("batchnorm needs at least 2 values per channel in a batch to "
      .. "estimate a variance (batch %d x %d positions)", ctx.batch, layer.positions),
      "batch >= 2")
  end
  layer.params = 4 * layer.channels
  return layer
end

---------------------------------------------------------------------------------------------------
-- Emission. The input x is v.A_prev, feature ch * positions + q of each sample; v names the
-- parameters (v.gamma, v.beta, v.mean, v.var) and, in training mode, the cache's batch
-- statistics (v.batch_mean, v.batch_var).

local function row(layer, q)
  if layer.spec.positions == 1 then
    return "ch"
  end
  return string.format("ch * %d + %s", layer.spec.positions, q)
end

-- 1 / sqrt(variance + eps) as a C expression (fabs: never negative, and saying so lets the
-- compiler use the square-root instruction without the library call that errno keeps).
local function inverse_std(plan, variance, eps)
  local f = plan.fn_suffix
  return string.format("%s / sqrt%s(fabs%s(%s + %s))", emit.literal(1, plan.dtype), f, f, variance,
    emit.literal(eps, plan.dtype))
end

-- Forward. `train`: normalize with the batch's statistics and keep them in the cache; otherwise
-- (predict, infer) with the running mean and var.
function M.forward(buf, plan, layer, v, batch, train)
  local real, zero = plan.real, emit.literal(0, plan.dtype)
  local spec = layer.spec
  local count = spec.positions * batch
  buf:loop("ch", 0, spec.channels)
  if train then
    buf:line("%s sum = %s;", real, zero)
    buf:loop("q", 0, spec.positions)
    buf:loop("j", 0, batch)
    buf:line("sum += %s[%s][j];", v.A_prev, row(layer, "q"))
    buf:close()
    buf:close()
    buf:line("const %s mu = sum / %s;", real, emit.literal(count, plan.dtype))
    buf:line("%s squares = %s;", real, zero)
    buf:loop("q", 0, spec.positions)
    buf:loop("j", 0, batch)
    buf:line("const %s d = %s[%s][j] - mu;", real, v.A_prev, row(layer, "q"))
    buf:line("squares += d * d;")
    buf:close()
    buf:close()
    buf:line("const %s variance = squares / %s;", real, emit.literal(count, plan.dtype))
    buf:line("%s[ch] = mu;", v.batch_mean)
    buf:line("%s[ch] = variance;", v.batch_var)
    buf:line("const %s scale = %s[ch] * (%s);", real, v.gamma, inverse_std(plan, "variance", spec.eps))
  else
    buf:line("const %s mu = %s[ch];", real, v.mean)
    buf:line("const %s scale = %s[ch] * (%s);", real, v.gamma, inverse_std(plan, v.var .. "[ch]", spec.eps))
  end
  buf:loop("q", 0, spec.positions)
  buf:loop("j", 0, batch)
  local value = string.format("(%s[%s][j] - mu) * scale + %s[ch]", v.A_prev, row(layer, "q"), v.beta)
  if layer.activation == "linear" or layer.activation == "softmax" then
    buf:line("%s[%s][j] = %s;", v.Z, row(layer, "q"), value)
  else
    buf:line("const %s z = %s;", real, value)
    if v.Z ~= v.A then
      buf:line("%s[%s][j] = z;", v.Z, row(layer, "q"))
    end
    buf:line("%s[%s][j] = %s;", v.A, row(layer, "q"), activations.forward(plan, layer, "z"))
  end
  buf:close()
  buf:close()
  buf:close()
  if layer.activation == "softmax" then
    activations.softmax(buf, plan, layer, v.Z, v.A, batch)
  end
end

-- Backward through the batch statistics, with dZ the gradient at the normalized output:
-- dgamma = sum dZ xhat, dbeta = sum dZ, and (given v.dA_prev)
-- dx = gamma / sqrt(s2 + eps) (dZ - dbeta / N - xhat dgamma / N). The running statistics get a
-- gradient of 0.
function M.backward(buf, plan, layer, v, batch)
  local real, zero = plan.real, emit.literal(0, plan.dtype)
  local spec = layer.spec
  local count = emit.literal(spec.positions * batch, plan.dtype)
  buf:loop("ch", 0, spec.channels)
  buf:line("const %s mu = %s[ch];", real, v.batch_mean)
  buf:line("const %s inverse = %s;", real, inverse_std(plan, v.batch_var .. "[ch]", spec.eps))
  buf:line("%s sum_dz = %s, sum_dz_xhat = %s;", real, zero, zero)
  buf:loop("q", 0, spec.positions)
  buf:loop("j", 0, batch)
  buf:line("const %s dz = %s[%s][j];", real, v.dZ, row(layer, "q"))
  buf:line("sum_dz += dz;")
  buf:line("sum_dz_xhat += dz * ((%s[%s][j] - mu) * inverse);", v.A_prev, row(layer, "q"))
  buf:close()
  buf:close()
  if v.dgamma then
    buf:line("%s[ch] = sum_dz_xhat;", v.dgamma)
    buf:line("%s[ch] = sum_dz;", v.dbeta)
    buf:line("%s[ch] = %s;", v.dmean, zero)
    buf:line("%s[ch] = %s;", v.dvar, zero)
  end
  if v.dA_prev then
    buf:line("const %s scale = %s[ch] * inverse;", real, v.gamma)
    buf:loop("q", 0, spec.positions)
    buf:loop("j", 0, batch)
    buf:line("const %s xhat = (%s[%s][j] - mu) * inverse;", real, v.A_prev, row(layer, "q"))
    buf:line("%s[%s][j] = scale * (%s[%s][j] - sum_dz / %s - xhat * (sum_dz_xhat / %s));", v.dA_prev,
      row(layer, "q"), v.dZ, row(layer, "q"), count, count)
    buf:close()
    buf:close()
  end
  buf:close()
end

-- train_step's update of the running statistics from the batch's (PyTorch's rule: the variance
-- unbiased, s2 N / (N - 1)).
function M.update_running(buf, plan, layer, v, batch)
  local spec = layer.spec
  local count = spec.positions * batch
  local lit = function(x) return emit.literal(x, plan.dtype) end
  buf:loop("ch", 0, spec.channels)
  buf:line("%s[ch] = %s * %s[ch] + %s * %s[ch];", v.mean, emit.one_minus(spec.momentum, plan.dtype), v.mean,
    lit(spec.momentum), v.batch_mean)
  buf:line("%s[ch] = %s * %s[ch] + %s * (%s[ch] * %s);", v.var, emit.one_minus(spec.momentum, plan.dtype),
    v.var, lit(spec.momentum), v.batch_var, emit.ratio(count, count - 1, plan.dtype))
  buf:close()
end

function M.describe(layer)
  return string.format("batchnorm %s, eps %s, momentum %s, %s", shape.text(layer.in_shape),
    emit.shortest(layer.spec.eps), emit.shortest(layer.spec.momentum), layer.activation)
end

---------------------------------------------------------------------------------------------------
-- Int8 inference (gen/q8/). Folded into a dense or conv layer before it where the scheme allows
-- (gen/q8/quantize.lua); otherwise a per-channel affine layer, a depthwise 1x1 convolution with
-- weight gamma / sqrt(var + eps) and bias beta - mean * weight.

-- The normalized value (before the activation) of one sample in double, inference mode.
function M.evaluate(layer, p, x)
  local spec = layer.spec
  local z = {}
  for ch = 1, spec.channels do
    local scale = p.gamma[ch] * (1 / math.sqrt(math.abs(p.var[ch] + spec.eps)))
    for q = 1, spec.positions do
      local at = (ch - 1) * spec.positions + q
      z[at] = (x[at] - p.mean[ch]) * scale + p.beta[ch]
    end
  end
  return z
end

-- The per-channel weight and bias of the standalone form, in double.
function M.affine(layer, p)
  local weight, bias = {}, {}
  for ch = 1, layer.spec.channels do
    weight[ch] = p.gamma[ch] / math.sqrt(p.var[ch] + layer.spec.eps)
    bias[ch] = p.beta[ch] - p.mean[ch] * weight[ch]
  end
  return weight, bias
end

-- One sample of the standalone form: acc = B[ch] + W[ch] x per value (the input's zero point
-- folded into B, gen/q8/code.lua), then the requantized, clamped store.
-- On little-endian ARMv7E-M DSP cores with gcc or clang, an assembly loop (gen/q8/pairs.lua) where
-- the layer qualifies (gen/q8/code.lua lays its constants out for it under the same condition).
function M.q8_emit(buf, ql, names, helpers, input, output)
  local spec = ql.layer.spec
  if ql.affine_asm then
    buf:line("#if defined(%s)", helpers.pairs_macro())
    q8_pairs.affine_emit(buf, { ql = ql, weights = names.W, x = input, output = output,
      count = spec.channels, table = names.T })
    buf:line("(void)&%s;", helpers.scale())
    buf:line("(void)&%s;", helpers.clamp())
  end
  local function features_from(first)
    buf:loop("ch", first, spec.channels)
    buf:loop("q", 0, spec.positions)
    buf:line("const int32_t acc = %s[ch] + (int32_t)%s[ch] * %s[%s];", names.B, names.W, input,
      row(ql.layer, "q"))
    activations.q8_store(buf, ql, names, helpers, string.format("%s[%s]", output, row(ql.layer, "q")),
      "acc", "ch")
    buf:close()
    buf:close()
  end
  -- one value per feature, eight features or more: the x86 kernel's
  local x86 = spec.positions == 1 and spec.channels >= q8_x86.ROWS
  if x86 then
    -- x86 with AVX2 (or a CPU that has it, in a build that dispatches): eight features a pass
    q8_x86.branch(buf, helpers, ql.affine_asm and "elif" or "if", { ql = ql, names = names,
      rows = spec.channels, x = input, index = "ch", affine = true,
      contiguous = function(ch) return string.format("%s + %s", output, ch) end,
      store = function(ch, value, requantized)
        q8_x86.store(buf, ql, names, helpers, string.format("%s[%s]", output, ch), value, requantized, ch)
      end }, features_from)
    buf:line("#else")
  elseif ql.affine_asm then
    buf:line("#else")
  end
  features_from(0)
  if ql.affine_asm or x86 then
    buf:line("#endif")
  end
end

return M
