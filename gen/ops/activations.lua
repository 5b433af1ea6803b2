-- Activations: the forward expression of each elementwise activation, its derivative applied to an
-- incoming gradient, and softmax, which works on whole columns.
local emit = require("emit")

local M = {}

M.NAMES = { "linear", "sigmoid", "tanh", "relu", "leaky_relu", "softmax" }

-- A layer's `activation` and `alpha` fields, checked: returns the activation (default "linear"
-- where it is optional) and alpha (leaky_relu only; 0.01 by default). `ctx.is_last` says whether
-- softmax may go here.
function M.validate(ck, raw, path, required, ctx)
  local given = rawget(raw, "activation")
  local activation = "linear"
  if required or given ~= nil then
    activation = ck:choice(required and ck:required(raw, "activation", path .. ".activation",
      table.concat(M.NAMES, ", ")) or given,
      path .. ".activation", M.NAMES, "activation")
  end
  if activation == "softmax" and not ctx.is_last then
    ck:fail(path .. ".activation", "softmax is allowed only on the last layer",
      "linear, sigmoid, tanh, relu or leaky_relu here")
  end
  local alpha = rawget(raw, "alpha")
  if alpha ~= nil and activation ~= "leaky_relu" then
    ck:fail(path .. ".alpha", "only leaky_relu takes alpha (activation is '" .. activation .. "')",
      "no alpha, or activation = \"leaky_relu\"")
  end
  if activation == "leaky_relu" then
    alpha = ck:number(alpha == nil and 0.01 or alpha, path .. ".alpha",
      function(a) return a >= 0 and a < 1 end, "a number in [0, 1)")
    -- -0.0 passes a >= 0; it is taken as 0, the value the architecture text "alpha=0" and the
    -- generated 0.0 stand for (the sign of a zero slope would only flip the sign of zero outputs)
    if alpha == 0 then
      alpha = 0.0
    end
  end
  return activation, alpha
end

-- C expression for g(z), given the C expression `z`. Softmax is not elementwise: see `softmax`.
function M.forward(plan, layer, z)
  local act, f = layer.activation, plan.fn_suffix
  if act == "sigmoid" then
    return "gradc_sigmoid" .. f .. "(" .. z .. ")"
  elseif act == "tanh" then
    return "tanh" .. f .. "(" .. z .. ")"
  elseif act == "relu" then
    return "(" .. z .. " > " .. emit.literal(0, plan.dtype) .. " ? " .. z .. " : "
      .. emit.literal(0, plan.dtype) .. ")"
  elseif act == "leaky_relu" then
    return "(" .. z .. " > " .. emit.literal(0, plan.dtype) .. " ? " .. z .. " : "
      .. emit.literal(layer.alpha, plan.dtype) .. " * " .. z .. ")"
  end
  error("no elementwise forward for activation " .. act)
end

-- Whether vector_forward and vector_backward have a form for the layer's activation (elsewhere a
-- tile stores through its scalar loop).
function M.has_vector_form(layer)
  return layer.activation == "linear" or layer.activation == "relu"
end

-- The same two as vector expressions, for tiles that store straight from their registers: `op(name)`
-- spells an intrinsic of the tile's instruction set and element type ("max" -> "_mm512_max_ps").
-- relu is max(z, 0), which gives 0 for NaN and -0 like the scalar `z > 0 ? z : 0`.
function M.vector_forward(layer, op, v)
  if layer.activation == "relu" then
    return string.format("%s(%s, %s())", op("max"), v, op("setzero"))
  end
  return v
end

-- delta * g'(z) with `z` the vector of the cached value backward_reads names;
-- `keep_positive(z, v)` keeps the lanes of v where z > 0 and zeroes the rest (NaN included).
function M.vector_backward(layer, delta, z, keep_positive)
  if layer.activation == "relu" then
    return keep_positive(z, delta)
  end
  return delta
end

-- Which cached value the derivative reads: "Z" (at the kinks), "A" (sigmoid, tanh) or nil.
function M.backward_reads(layer)
  local act = layer.activation
  if act == "relu" or act == "leaky_relu" then
    return "Z"
  elseif act == "sigmoid" or act == "tanh" then
    return "A"
  end
  return nil
end

-- C expression for delta * g'(z), with `z` and `a` the cached Z and A of the element. Uses A where
-- that is cheaper (sigmoid, tanh) and Z at the kinks (relu'(0) = 0, leaky_relu'(0) = alpha).
function M.backward(plan, layer, delta, z, a)
  local act = layer.activation
  local zero, one = emit.literal(0, plan.dtype), emit.literal(1, plan.dtype)
  if act == "linear" then
    return delta
  elseif act == "sigmoid" then
    return "(" .. delta .. ") * " .. a .. " * (" .. one .. " - " .. a .. ")"
  elseif act == "tanh" then
    return "(" .. delta .. ") * (" .. one .. " - " .. a .. " * " .. a .. ")"
  elseif act == "relu" then
    return "(" .. z .. " > " .. zero .. " ? " .. delta .. " : " .. zero .. ")"
  elseif act == "leaky_relu" then
    return "(" .. z .. " > " .. zero .. " ? " .. delta .. " : "
      .. emit.literal(layer.alpha, plan.dtype) .. " * (" .. delta .. "))"
  end
  error("no elementwise derivative for activation " .. act)
end

-- The exp of a non-positive argument (z - max, in softmax and the ce cost): the runtime's
-- vectorizable one in float, libm's in double.
function M.exp_nonpositive(plan)
  return plan.dtype == "float" and "gradc_exp_nonpositivef" or "exp"
end

-- Stable softmax of each column of Z into A: shift by the column's maximum before exp.
function M.softmax(buf, plan, layer, Z, A, batch)
  local real, n = plan.real, layer.n_out
  buf:loop("j", 0, batch)
  buf:line("%s top = %s[0][j];", real, Z)
  buf:loop("r", 1, n)
  buf:line("if (%s[r][j] > top) top = %s[r][j];", Z, Z)
  buf:close()
  buf:line("%s total = %s;", real, emit.literal(0, plan.dtype))
  buf:loop("r", 0, n)
  buf:line("%s[r][j] = %s(%s[r][j] - top);", A, M.exp_nonpositive(plan), Z)
  buf:line("total += %s[r][j];", A)
  buf:close()
  buf:loop("r", 0, n)
  buf:line("%s[r][j] /= total;", A)
  buf:close()
  buf:close()
end

-- A = g(Z) over `rows` x `batch` (in place when A is Z), for the layer kinds whose products do
-- not apply the activation as they store; softmax runs over columns.
function M.apply(buf, plan, layer, Z, A, rows, batch)
  if layer.activation == "softmax" then
    M.softmax(buf, plan, layer, Z, A, batch)
    return
  elseif layer.activation == "linear" then
    return
  end
  buf:loop("r", 0, rows)
  buf:loop("j", 0, batch)
  buf:line("%s[r][j] = %s;", A, M.forward(plan, layer, Z .. "[r][j]"))
  buf:close()
  buf:close()
end

-- dZ = dA * g'(Z) in place, where dZ holds dA (the gradient that reached the layer's output).
function M.apply_derivative(buf, plan, layer, dZ, Z, A, rows, batch)
  if layer.activation == "linear" then
    return
  end
  assert(layer.activation ~= "softmax", "softmax is only on the last layer")
  buf:loop("r", 0, rows)
  buf:loop("j", 0, batch)
  buf:line("%s[r][j] = %s;", dZ, M.backward(plan, layer, dZ .. "[r][j]", Z .. "[r][j]", A .. "[r][j]"))
  buf:close()
  buf:close()
end

---------------------------------------------------------------------------------------------------
-- Int8 inference (gen/q8/): the activation in double for calibration, and the store of a
-- requantized accumulator (clamp, then the lookup table where the activation has one).

-- The activation of a double, for calibration and the lookup tables (softmax: see evaluate).
function M.value(activation, alpha, z)
  if activation == "sigmoid" then
    return 1 / (1 + math.exp(-z))
  elseif activation == "tanh" then
    return math.tanh(z)
  elseif activation == "relu" then
    return z > 0 and z or 0
  elseif activation == "leaky_relu" then
    return z > 0 and z or alpha * z
  end
  return z
end

-- A = g(Z) of one sample (a list of doubles), softmax over the whole list.
function M.evaluate(activation, alpha, z)
  local a = {}
  if activation == "softmax" then
    local top = z[1]
    for i = 2, #z do
      top = math.max(top, z[i])
    end
    local total = 0
    for i, value in ipairs(z) do
      a[i] = math.exp(value - top)
      total = total + a[i]
    end
    for i = 1, #z do
      a[i] = a[i] / total
    end
    return a
  end
  for i, value in ipairs(z) do
    a[i] = M.value(activation, alpha, value)
  end
  return a
end

-- Whether an activation is applied through a 256-entry table of the pre-activation Zq.
function M.q8_has_table(activation)
  return activation ~= "linear" and activation ~= "relu" and activation ~= "softmax"
end

-- `target = ...;` from the int32 accumulator `acc` of output channel `channel` (a C expression):
-- requantized with the channel's multiplier and shift, moved to the output's zero point, clamped
-- (relu: from the zero point up) and, for a table activation, looked up. `ql` is the layer's int8
-- record (gen/q8/quantize.lua), `names` its arrays' C names, `helpers` the requantization
-- helpers' names (gen/q8/code.lua).
-- Whether every channel of the layer shifts right (shift <= -1, multiplier > 0) and bounds its
-- accumulator below 2^30 (|bias| + 255 sum |weights|, as gen/q8/quantize.lua bounds it): then the
-- requantization takes the short exact form (helpers.scale), whose result (|r| < 2^30) needs no
-- bounding before the zero point is added.
function M.q8_short_requantize(ql)
  if ql.q8_short == nil then
    local short = true
    for c = 1, #ql.shift do
      local reach = math.abs(ql.bias[c])
      for _, w in ipairs(ql.weights[c]) do
        reach = reach + 255 * math.abs(w)
      end
      if ql.shift[c] > -1 or ql.multiplier[c] <= 0 or reach >= 1 << 30 then
        short = false
      end
    end
    ql.q8_short = short
  end
  return ql.q8_short
end

-- The low end of a layer's clamp before its store: a relu's zero point (the clamp is the relu), else
-- -128; a layer with a table clamps to all of int8, the table's index range.
function M.q8_clamp_low(ql)
  if ql.activation == "relu" and not ql.table then
    return math.max(-128, ql.pre.zero_point)
  end
  return -128
end

function M.q8_store(buf, ql, names, helpers, target, acc, channel)
  local z_out = ql.pre.zero_point
  local short = M.q8_short_requantize(ql)
  local requantized = string.format("%s(%s, %s[%s], %s[%s])", short and helpers.scale() or helpers.requantize(),
    acc, names.M, channel, names.S, channel)
  if short then
    buf:line("const int32_t value = %s%s;", requantized, z_out == 0 and "" or string.format(" %s %d",
      z_out < 0 and "-" or "+", math.abs(z_out)))
  elseif z_out == 0 then
    buf:line("const int32_t value = %s;", requantized)
  else
    buf:line("const int32_t value = %s(%s, %d);", helpers.offset(), requantized, z_out)
  end
  local low = M.q8_clamp_low(ql)
  if ql.table then
    buf:line("%s = %s[%s(value, %d) + 128];", target, names.T, helpers.clamp(), low)
  else
    buf:line("%s = %s(value, %d);", target, helpers.clamp(), low)
  end
end

-- Softmax of the last layer in place over `y` (Zq in, yq out): e = EXP[max - Zq] + 1, then
-- yq = round(256 e / sum) - 128 in unsigned 32-bit arithmetic.
function M.q8_softmax(buf, ql, names, helpers, y)
  local n = ql.n_out
  buf:line("/* softmax: %s[%d] holds Zq; yq = 256 EXP[max - Zq] / sum - 128, rounded */", y, n)
  buf:open("{")
  buf:line("int32_t top = %s[0];", y)
  buf:loop("i", 1, n)
  buf:line("if (%s[i] > top) top = %s[i];", y, y)
  buf:close()
  -- EXP holds each exponential less 1 and stops at its first zero entry (gen/q8/code.lua):
  -- beyond it the exponential is 0
  local function exponential(i)
    local stored = string.format("(uint32_t)%s[top - %s[%s]] + 1u", names.EXP, y, i)
    if ql.exp_kept == #ql.exp_table then
      return stored
    end
    return string.format("(top - %s[%s] < %d ? %s : 0u)", y, i, ql.exp_kept, stored)
  end
  buf:line("uint32_t sum = 0;")
  buf:loop("i", 0, n)
  buf:line("sum += %s;", exponential("i"))
  buf:close()
  buf:loop("i", 0, n)
  buf:line("const uint32_t e = %s;", exponential("i"))
  buf:line("%s[i] = %s((int32_t)(((e << 8) + sum / 2) / sum) - 128, -128);", y, helpers.clamp())
  buf:close()
  buf:close()
end

return M
