-- Unit tests of gen/q8/scheme.lua, the int8 scheme's arithmetic, against hand-computed values and
-- independent arithmetic (exact integer formulas written differently from the code under test).
--   lua5.4 tests/q8/test_scheme.lua   (from the project root)
package.path = "gen/?.lua;" .. package.path
local scheme = require("q8.scheme")

local failures, checks = 0, 0
local function equal(got, expected, what)
  checks = checks + 1
  if got ~= expected or math.type(got) ~= math.type(expected) then
    failures = failures + 1
    print(string.format("FAIL %s: got %s (%s), expected %s (%s)", what, tostring(got),
      tostring(math.type(got)), tostring(expected), tostring(math.type(expected))))
  end
end

local INT32_MIN, INT32_MAX = -2147483648, 2147483647

-- round half away from zero: ties, and the double just below 0.5 that floor(v + 0.5) gets wrong
equal(scheme.round(0.5), 1.0, "round(0.5)")
equal(scheme.round(-0.5), -1.0, "round(-0.5)")
equal(scheme.round(1.5), 2.0, "round(1.5)")
equal(scheme.round(2.5), 3.0, "round(2.5)")
equal(scheme.round(-2.5), -3.0, "round(-2.5)")
equal(scheme.round(0.49999999999999994), 0.0, "round(0.49999999999999994)")
equal(scheme.round(-0.49999999999999994), -0.0, "round(-0.49999999999999994)")
equal(scheme.round(2.4999999999999996), 2.0, "round(2.4999999999999996)")
equal(scheme.round(4503599627370495.5), 4503599627370496.0, "round(2^52 - 0.5)")
equal(scheme.round(-127.5), -128.0, "round(-127.5)")

-- (scale, zero point)
local s, z = scheme.params(0, 0)
equal(s, 1 / 255, "params(0, 0) scale")
equal(z, -128, "params(0, 0) zero point")
s, z = scheme.params(-1, 1) -- s = 2/255, -1/s = -127.5 rounds to -128: z = 0
equal(s, 2 / 255, "params(-1, 1) scale")
equal(z, 0, "params(-1, 1) zero point")
s, z = scheme.params(0, 2.55)
equal(z, -128, "params(0, 2.55) zero point")
s, z = scheme.params(-2.55, 0) -- min/s = -255: z = 127
equal(z, 127, "params(-2.55, 0) zero point")
s, z = scheme.params(-3, 1) -- s = 4/255, min/s = -191.25: z = -128 + 191 = 63
equal(z, 63, "params(-3, 1) zero point")

-- weights: symmetric per channel, clamped to +-127
equal(scheme.weight_scale({ 0.5, -1.27, 0.3 }), 1.27 / 127, "weight_scale")
equal(scheme.weight_scale({ 0, 0 }), 1, "weight_scale of zeros")
equal(scheme.quantize_weight(-1.27, 0.01), -127, "quantize_weight(-1.27)")
equal(scheme.quantize_weight(0.005, 0.01), 1, "quantize_weight tie")

-- a channel's scale: max |W| / 127 while qb + 255 sum |qW| fits int32; past that, widened so that
-- |b| / s_in + 255 sum |W| is 2^30 in scale units (values worked by hand, not by the function)
equal(scheme.channel_scale({ 0.5, -1.27, 0.3 }, 0.25, 0.02), 1.27 / 127, "channel_scale of an ordinary channel")
-- weights 1e-9 and -3e-10 beside a bias of 0.007 with s_in 0.01: at 1e-9 / 127 the bias alone is
-- 0.007 / (0.01 * 7.87e-12) = 8.9e10 > 2^31
equal(scheme.channel_scale({ 1e-9, -3e-10 }, 0.007, 0.01), (0.007 / 0.01 + 255 * (1e-9 + 3e-10)) / 2 ^ 30,
  "channel_scale widened for its bias")
-- a channel of zeros has scale 1; with s_in 1e-12 a bias of 1 is 1e12 there
equal(scheme.channel_scale({ 0, 0 }, 1.0, 1e-12), (1.0 / 1e-12 + 255 * 0.0) / 2 ^ 30, "channel_scale of zeros widened")
-- qb = 2147447399 fits int32 but qb + 255 * 254 does not (bad_input.sh's tiny_reach)
local s_in = 1.50807e-5 / 255
equal(math.abs(scheme.round(1 / (s_in * (1 / 127)))) <= scheme.INT32_MAX, true, "tiny_reach's bias fits alone")
equal(scheme.channel_scale({ 1, 1 }, 1.0, s_in), (1 / s_in + 255 * 2.0) / 2 ^ 30, "channel_scale widened for its reach")

-- QuantizeMultiplier: M = q 2^(shift - 31)
local function qm(m)
  local q, shift = scheme.quantize_multiplier(m)
  return q, shift
end
local q, shift = qm(0.5)
equal(q, 1 << 30, "qm(0.5) q"); equal(shift, 0, "qm(0.5) shift")
q, shift = qm(1.0)
equal(q, 1 << 30, "qm(1) q"); equal(shift, 1, "qm(1) shift")
q, shift = qm(0.75)
equal(q, 1610612736, "qm(0.75) q"); equal(shift, 0, "qm(0.75) shift")
q, shift = qm(1 - 2 ^ -33) -- rounds up to 2^31: q = 2^30, shift + 1
equal(q, 1 << 30, "qm(1 - 2^-33) q"); equal(shift, 1, "qm(1 - 2^-33) shift")
q, shift = qm(0.1) -- 0.1 = 0.8 * 2^-3; 0.8 * 2^31 = 1717986918.4
equal(q, 1717986918, "qm(0.1) q"); equal(shift, -3, "qm(0.1) shift")
q, shift = qm(2 ^ -40)
equal(q, 0, "qm(2^-40) q"); equal(shift, 0, "qm(2^-40) shift")
q, shift = qm(0)
equal(q, 0, "qm(0) q"); equal(shift, 0, "qm(0) shift")
q, shift = qm(2 ^ 29) -- 0.5 * 2^30: the largest shift allowed
equal(q, 1 << 30, "qm(2^29) q"); equal(shift, 30, "qm(2^29) shift")
equal(qm(2 ^ 30), nil, "qm(2^30) is too large")

-- SRDHM and RDBP against independent formulas. RDBP rounds ties away from zero:
-- sign(n) * floor((|n| + d/2) / d). SRDHM's nudge (2^30, or 1 - 2^30 for a negative product, then
-- C's truncating division) rounds ties up, toward +infinity: it is floor((ab + 2^30) / 2^31).
local function round_divide(n, d)
  if n >= 0 then
    return (n + d // 2) // d
  end
  return -((-n + d // 2) // d)
end
local function srdhm_independent(a, b)
  local r = (a * b + (1 << 30)) // (1 << 31) -- Lua's // floors
  return math.min(r, INT32_MAX)
end
local edges = { INT32_MIN, INT32_MIN + 1, -(1 << 30), -3, -2, -1, 0, 1, 2, 3, 1 << 30, INT32_MAX - 1, INT32_MAX }
for _, a in ipairs(edges) do
  for _, b in ipairs(edges) do
    equal(scheme.srdhm(a, b), srdhm_independent(a, b), string.format("srdhm(%d, %d)", a, b))
  end
end
equal(scheme.srdhm(INT32_MIN, INT32_MIN), INT32_MAX, "srdhm saturates INT32_MIN^2")
equal(scheme.srdhm(3, 1 << 30), 2, "srdhm(3, 2^30) = round(1.5)")
equal(scheme.srdhm(-3, 1 << 30), -1, "srdhm(-3, 2^30): -1.5 rounds up to -1")
equal(scheme.srdhm(1, 1 << 30), 1, "srdhm(1, 2^30) = round(0.5)")
equal(scheme.srdhm(-1, 1 << 30), 0, "srdhm(-1, 2^30): -0.5 rounds up to 0")
equal(scheme.srdhm(-5, 1 << 30), -2, "srdhm(-5, 2^30): -2.5 rounds up to -2")
equal(scheme.srdhm(-7, 1 << 29), -2, "srdhm(-7, 2^29): -1.75 rounds to -2")
-- rdbp, hand values: ties away from zero
equal(scheme.rdbp(3, 1), 2, "rdbp(3, 1) = round(1.5)")
equal(scheme.rdbp(-3, 1), -2, "rdbp(-3, 1) = round(-1.5)")
equal(scheme.rdbp(5, 2), 1, "rdbp(5, 2) = round(1.25)")
equal(scheme.rdbp(-6, 2), -2, "rdbp(-6, 2) = round(-1.5)")
equal(scheme.rdbp(-2, 2), -1, "rdbp(-2, 2) = round(-0.5)")
equal(scheme.rdbp(-5, 2), -1, "rdbp(-5, 2) = round(-1.25)")
equal(scheme.rdbp(INT32_MIN, 31), -1, "rdbp(INT32_MIN, 31) = -1")
equal(scheme.rdbp(INT32_MAX, 31), 1, "rdbp(INT32_MAX, 31) = round(1 - 2^-31)")
equal(scheme.rdbp(7, 0), 7, "rdbp(7, 0)")
local state = 12345
local function next_int32()
  state = (state * 6364136223846793005 + 1442695040888963407)
  return ((state >> 32) & 0xFFFFFFFF) - (1 << 31)
end
for _ = 1, 20000 do
  local a, b = next_int32(), next_int32()
  local n = (b & 31)
  equal(scheme.srdhm(a, b), srdhm_independent(a, b), string.format("srdhm(%d, %d)", a, b))
  equal(scheme.rdbp(a, n), n == 0 and a or round_divide(a, 1 << n), string.format("rdbp(%d, %d)", a, n))
end
for _, a in ipairs(edges) do
  for n = 0, 31 do
    equal(scheme.rdbp(a, n), n == 0 and a or round_divide(a, 1 << n), string.format("rdbp(%d, %d)", a, n))
  end
end

-- MBQM: x * q 2^(shift - 31) rounded twice (SRDHM, then RDBP), with the left shift saturating
equal(scheme.mbqm(100, 1 << 30, 0), 50, "mbqm(100, 0.5)")
equal(scheme.mbqm(3, 1 << 30, -1), 1, "mbqm(3, 0.25): srdhm 1.5 -> 2, rdbp 2 / 2 -> 1")
equal(scheme.mbqm(-3, 1 << 30, -1), -1, "mbqm(-3, 0.25): srdhm -1.5 -> -1, rdbp -1 / 2 -> -1 (away)")
equal(scheme.mbqm(-5, 1 << 30, -1), -1, "mbqm(-5, 0.25): srdhm -2.5 -> -2, rdbp -2 / 2 -> -1")
equal(scheme.mbqm(1 << 30, 1 << 30, 2), 1 << 30, "mbqm saturates the left shift")
equal(scheme.mbqm(-(1 << 30), 1 << 30, 2), -(1 << 30), "mbqm saturates the left shift (negative)")
equal(scheme.mbqm(1000, 1717986918, -3), 100, "mbqm(1000, 0.1): srdhm 800 (799.99999977), rdbp 800 / 8")
equal(scheme.mbqm(1004, 1717986918, -3), 100, "mbqm(1004, 0.1): srdhm 803.2 -> 803, rdbp 100.375 -> 100")
equal(scheme.mbqm(1005, 1717986918, -3), 101, "mbqm(1005, 0.1): srdhm 804 -> 804, rdbp 100.5 -> 101")

-- pooling average and softmax, by hand
equal(scheme.average(5, 2), 3, "average(5, 2) = round(2.5)")
equal(scheme.average(-5, 2), -3, "average(-5, 2) = round(-2.5)")
equal(scheme.average(-4, 3), -1, "average(-4, 3)")
equal(scheme.average(7, 4), 2, "average(7, 4)")
equal(scheme.average(-7, 4), -2, "average(-7, 4)")
local exp_table = scheme.softmax_exp_table(0.5)
equal(exp_table[1], 65536, "EXP[0]")
equal(exp_table[2], 39750, "EXP[1] = round(exp(-0.5) 65536) = round(39749.7)")
local y = scheme.softmax({ 3, 3 }, exp_table)
equal(y[1], 0, "softmax of a tie: 256 / 2 - 128")
y = scheme.softmax({ 5, 4, -128 }, exp_table) -- e = 65536, 39750, 0: sum 105286
equal(y[1], 31, "softmax [1]: round(65536 * 256 / 105286) - 128 = 159 - 128")
equal(y[2], -31, "softmax [2]: round(39750 * 256 / 105286) - 128 = 97 - 128")
equal(y[3], -128, "softmax [3]")

-- tables
local sigmoid = scheme.table("sigmoid", nil, 1 / 16, 0)
equal(sigmoid[129], 0, "sigmoid table at q = 0")
equal(sigmoid[256], 127, "sigmoid table at q = 127 (256 clamps to 127)")
equal(sigmoid[1], -128, "sigmoid table at q = -128")
local tanh = scheme.table("tanh", math.tanh, 1 / 64, 0)
equal(tanh[129 + 64], 97, "tanh table at r = 1: round(128 tanh(1)) = round(97.48)")
local leaky = scheme.table("leaky_relu", function(r) return r > 0 and r or 0.1 * r end, 0.1, 0, 0.05, -20)
equal(leaky[129 + 10], 0, "leaky table at r = 1: round(1 / 0.05) - 20")
equal(leaky[129 - 10], -22, "leaky table at r = -1: round(-0.1 / 0.05) - 20")

print(string.format("test_scheme: %d checks, %d failed", checks, failures))
os.exit(failures == 0 and 0 or 1)
