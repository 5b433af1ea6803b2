-- The int8 scheme's arithmetic at generation time: rounding, a tensor's (scale, zero point) from its
-- calibrated range, per-channel weight scales, the Q31 multiplier and shift (TFLite's
-- QuantizeMultiplier), the lookup tables, and the requantization itself (SRDHM, RDBP, MBQM) as
-- the generated C computes it, for the tests and for anything computed here ahead of time.
-- Pure Lua on doubles and 64-bit integers: no C module, so tests/q8/test_scheme.lua loads it as is.
local M = {}

M.INT32_MIN = -2147483648
M.INT32_MAX = 2147483647

-- round(v) half away from zero, as C's round() on a double. floor(v + 0.5) is not it: for
-- v = 0.49999999999999994, v + 0.5 rounds up to 1 in double. v - floor(v) is exact for every
-- double, so the comparison with 0.5 decides the tie rule exactly.
function M.round(v)
  if v ~= v or v == math.huge or v == -math.huge then
    return v
  end
  local magnitude = v < 0 and -v or v
  local whole = math.floor(magnitude) * 1.0 -- a double, as C's round() returns
  if magnitude - whole >= 0.5 then
    whole = whole + 1
  end
  return v < 0 and -whole or whole
end

-- round() as a Lua integer (v must be well inside the 64-bit range).
function M.round_integer(v)
  return math.tointeger(M.round(v))
end

function M.clamp(v, low, high)
  if v < low then
    return low
  elseif v > high then
    return high
  end
  return v
end

-- A calibrated range widened to include 0.
function M.widen(min, max)
  return math.min(min, 0), math.max(max, 0)
end

-- (scale, zero point) of a tensor from its range (already widened to include 0).
function M.params(min, max)
  if max == min then
    return 1 / 255, -128
  end
  local scale = (max - min) / 255
  return scale, M.clamp(-128 - M.round_integer(min / scale), -128, 127)
end

-- The fixed output parameters of the table activations and softmax (nil: calibrated).
M.FIXED_OUTPUT = {
  sigmoid = { 1 / 256, -128 },
  tanh = { 1 / 128, 0 },
  softmax = { 1 / 256, -128 },
}

-- The symmetric scale of one output channel's weights: max |w| / 127, or 1 for all zeros.
function M.weight_scale(weights)
  local largest = 0
  for _, w in ipairs(weights) do
    local magnitude = w < 0 and -w or w
    if magnitude > largest then
      largest = magnitude
    end
  end
  return largest == 0 and 1 or largest / 127
end

function M.quantize_weight(w, scale)
  return M.clamp(M.round_integer(w / scale), -127, 127)
end

-- An output channel's weight scale: weight_scale's, unless the channel's int32 accumulator
-- qb + sum qw (qx - z_in) (|qx - z_in| <= 255) could then leave int32. That happens where the
-- bias is large against s_in s_w: weights near zero beside an ordinary bias (the dead units weight
-- decay leaves) or a tiny input scale. There, as TFLite's converter widens a weight scale for its
-- bias, the scale grows until the bias and the weights' share of the accumulator add up to 2^30:
-- the channel keeps fewer weight levels (its weights are negligible) instead of being refused.
function M.channel_scale(weights, bias, s_in)
  local s_w = M.weight_scale(weights)
  local reach = math.abs(M.round(bias / (s_in * s_w)))
  local magnitudes = 0.0
  for _, w in ipairs(weights) do
    reach = reach + 255 * math.abs(M.quantize_weight(w, s_w))
    magnitudes = magnitudes + math.abs(w)
  end
  if reach <= M.INT32_MAX then
    return s_w
  end
  return math.max(s_w, (math.abs(bias) / s_in + 255 * magnitudes) / 2 ^ 30)
end

-- TFLite's QuantizeMultiplier: M = q 2^(shift - 31) with q in [2^30, 2^31). Returns q, shift, or
-- nil where M needs a shift above 30 (a generation error the caller names).
function M.quantize_multiplier(multiplier)
  if multiplier == 0 then
    return 0, 0
  end
  local fraction, exponent = math.frexp(multiplier)
  local q = M.round_integer(fraction * 2.0 ^ 31)
  if q == 1 << 31 then
    q, exponent = 1 << 30, exponent + 1
  end
  if exponent < -31 then
    return 0, 0
  end
  if exponent > 30 then
    return nil
  end
  return q, exponent
end

-- C's integer division (truncation toward zero) on Lua integers, which divide by flooring.
local function truncating_divide(a, b)
  local q = a // b
  if q < 0 and q * b ~= a then
    q = q + 1
  end
  return q
end

local function saturate_int32(x)
  return M.clamp(x, M.INT32_MIN, M.INT32_MAX)
end

-- SaturatingRoundingDoublingHighMul: a b / 2^31 to nearest; the nudge and C's truncating division
-- round ties up (toward +infinity: -1.5 gives -1); the one overflow (INT32_MIN squared) saturates.
function M.srdhm(a, b)
  if a == M.INT32_MIN and b == M.INT32_MIN then
    return M.INT32_MAX
  end
  local ab = a * b
  local nudge = ab >= 0 and (1 << 30) or (1 - (1 << 30))
  return truncating_divide(ab + nudge, 1 << 31)
end

-- RoundingDivideByPOT: x / 2^n rounded to nearest, ties away from zero (n in 0..31).
function M.rdbp(x, n)
  local mask = (1 << n) - 1
  local remainder = x & mask
  local threshold = (mask >> 1) + (x < 0 and 1 or 0)
  -- floor division is the arithmetic shift (Lua's >> is a logical one)
  return x // (1 << n) + (remainder > threshold and 1 or 0)
end

-- MultiplyByQuantizedMultiplier: x * q 2^(shift - 31), rounded as TFLite does.
function M.mbqm(x, q, shift)
  local left = math.max(shift, 0)
  local right = math.max(-shift, 0)
  return M.rdbp(M.srdhm(saturate_int32(x * (1 << left)), q), right)
end

-- The 256-entry lookup table of an elementwise activation, index q + 128 for q = -128..127: `f`
-- is the activation on doubles, (s_z, z_z) the input's parameters, (s_a, z_a) the output's.
function M.table(activation, f, s_z, z_z, s_a, z_a)
  local entries = {}
  for q = -128, 127 do
    local r = s_z * (q - z_z)
    local a
    if activation == "sigmoid" then
      a = M.round_integer(256 / (1 + math.exp(-r))) - 128
    elseif activation == "tanh" then
      a = M.round_integer(128 * f(r))
    else
      a = M.round_integer(f(r) / s_a) + z_a
    end
    entries[q + 129] = M.clamp(a, -128, 127)
  end
  return entries
end

-- Softmax's EXP[d] = round(exp(-s_z d) 65536), d = 0..255.
function M.softmax_exp_table(s_z)
  local entries = {}
  for d = 0, 255 do
    entries[d + 1] = M.round_integer(math.exp(-s_z * d) * 65536)
  end
  return entries
end

-- Softmax of one sample's Zq as the generated code computes it (unsigned 32-bit arithmetic).
function M.softmax(zq, exp_table)
  local top = zq[1]
  for i = 2, #zq do
    top = math.max(top, zq[i])
  end
  local e, sum = {}, 0
  for i, z in ipairs(zq) do
    e[i] = exp_table[top - z + 1]
    sum = sum + e[i]
  end
  local out = {}
  for i = 1, #zq do
    out[i] = M.clamp(((e[i] << 8) + sum // 2) // sum - 128, -128, 127)
  end
  return out
end

-- Rounding average of a pooling window's sum over n values.
function M.average(sum, n)
  if sum >= 0 then
    return (sum + n // 2) // n
  end
  return -((-sum + n // 2) // n)
end

return M
