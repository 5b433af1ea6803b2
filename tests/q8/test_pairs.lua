-- Unit tests of gen/q8/pairs.lua's arithmetic: its streams of constants run through the
-- instructions of its ARMv7E-M kernels, each written here from the architecture manual's
-- definition (SMLAD, SXTB16, SSUB16, PKHBT, SMMLAR, MLA, ASR by a register, SSAT), must give what
-- TFLite's integer arithmetic gives, written out independently (acc = B + sum w x exactly, then
-- SaturatingRoundingDoublingHighMul with its nudge, RoundingDivideByPOT with its threshold, the
-- zero point and the clamp). Random layers and inputs, the extremes (weights +-127, inputs -128
-- and 127, accumulators at the kernel's bound) and every accumulator around zero and the
-- rounding ties. make check-q8 runs it (the QEMU runs of make check-cross run the real ones).
--   lua5.4 tests/q8/test_pairs.lua   (from the project root)
package.path = "gen/?.lua;" .. package.path
local pairs_kernel = require("q8.pairs")

local failures, checks = 0, 0
local function equal(got, expected, what)
  checks = checks + 1
  if got ~= expected then
    failures = failures + 1
    if failures <= 20 then
      print(string.format("FAIL %s: got %s, expected %s", what, tostring(got), tostring(expected)))
    end
  end
end

-- 32-bit registers as Lua integers in int32 range
local function wrap32(v)
  v = v & 0xFFFFFFFF
  return v >= 0x80000000 and v - 0x100000000 or v
end
local function lane(v, k) -- signed 16-bit lane k (0 low, 1 high) of a register
  local h = (v >> (16 * k)) & 0xFFFF
  return h >= 0x8000 and h - 0x10000 or h
end
local function lanes(low, high)
  return wrap32((low & 0xFFFF) | ((high & 0xFFFF) << 16))
end
local function sbyte(v, k)
  local b = (v >> (8 * k)) & 0xFF
  return b >= 0x80 and b - 0x100 or b
end

local ARM = {}
function ARM.smlad(a, b, acc)
  return wrap32(acc + lane(a, 0) * lane(b, 0) + lane(a, 1) * lane(b, 1))
end
function ARM.sxtb16(v, ror8)
  if ror8 then
    v = ((v & 0xFFFFFFFF) >> 8) | ((v & 0xFF) << 24)
  end
  return lanes(sbyte(v, 0), sbyte(v, 2))
end
function ARM.ssub16(a, b)
  return lanes(lane(a, 0) - lane(b, 0), lane(a, 1) - lane(b, 1))
end
function ARM.pkhbt(n, m, shift) -- bottom half of n, top half of m << shift
  return wrap32((n & 0xFFFF) | (((m << shift) & 0xFFFFFFFF) & 0xFFFF0000))
end
function ARM.smmlar(a, b, c) -- (c 2^32 + a b + 2^31) >> 32, its low 32 bits
  return wrap32(c + ((a * b + 0x80000000) >> 32))
end
function ARM.asr(v, amount_register)
  local amount = amount_register & 0xFF
  return amount >= 32 and (v < 0 and -1 or 0) or (v >> amount | (v < 0 and ~(-1 >> amount) or 0))
end
function ARM.ssat8(v)
  return v < -128 and -128 or v > 127 and 127 or v
end

-- TFLite's requantization of an exact int32 accumulator, as its reference code writes it.
local function tflite(acc, multiplier, shift, z_out)
  local ab = acc * multiplier
  local nudge = ab >= 0 and (1 << 30) or (1 - (1 << 30))
  local sum = ab + nudge
  local high = sum >= 0 and sum // (1 << 31) or -((-sum) // (1 << 31)) -- C division truncates
  local n = -shift
  local mask = (1 << n) - 1
  local remainder = high & mask
  local threshold = (mask >> 1) + (high < 0 and 1 or 0)
  local rounded = high // (1 << n) + (remainder > threshold and 1 or 0) -- x >> n, arithmetic
  local value = rounded + z_out
  return value < -128 and -128 or value > 127 and 127 or value
end

-- The kernel's requantization of its accumulator register (256 acc + n) with M and C.
local function kernel_requantize(register, m, c)
  c = wrap32(c + ARM.asr(register, 31))
  local t = ARM.asr(register, 7)
  t = ARM.smmlar(t, m, c)
  t = ARM.asr(t, register)
  return ARM.ssat8(t)
end

-- The input expanded to pair words as the kernel's C does it.
local function expand(x)
  local words = {}
  for c = 1, #x, 4 do
    local xv = lanes((x[c] & 0xFF) | ((x[c + 1] & 0xFF) << 8), (x[c + 2] & 0xFF) | ((x[c + 3] & 0xFF) << 8))
    local p = ARM.ssub16(ARM.sxtb16(xv, true), 0x007F007F)
    local even = wrap32((xv << 8) & 0xFF00FF00)
    words[#words + 1] = p
    words[#words + 1] = ARM.ssub16(even, p)
  end
  return words
end

-- The same words from four int8 results in registers (block_store's pack: PKHBT, SSUB16, LSL).
local function pack(t0, t1, t2, t3)
  local p = ARM.ssub16(ARM.pkhbt(t1, t3, 16), 0x007F007F)
  local e = ARM.pkhbt(wrap32(t0 << 8), t2, 24)
  return p, ARM.ssub16(e, p)
end

local random = math.random
math.randomseed(12)

-- A dense layer's record: weights, folded biases, multipliers in [2^30, 2^31), shifts -1 .. -12,
-- a zero point; `extreme` takes weights +-127 and a bias at the kernel's bound.
local function layer(n_out, n_in, extreme)
  local ql = { layer = { kind = "dense", n_in = n_in, n_out = n_out }, weights = {}, multiplier = {}, shift = {},
    pre = { zero_point = random(-128, 127) }, activation = "linear" }
  local folded = {}
  for r = 1, n_out do
    local w, total = {}, 0
    for c = 1, n_in do
      w[c] = extreme and (random(2) == 1 and 127 or -127) or random(-127, 127)
      total = total + 128 * math.abs(w[c])
    end
    ql.weights[r] = w
    local room = pairs_kernel.LIMIT - 1 - total
    folded[r] = extreme and (random(2) == 1 and room or -room) or random(-room // 4, room // 4)
    ql.multiplier[r] = r == 1 and (1 << 30) or random(1 << 30, (1 << 31) - 1)
    ql.shift[r] = -random(1, 12)
  end
  ql.bias = folded
  return ql, folded
end

-- Runs the kernel over the stream for input x; returns the int8 outputs.
local function run_dense(ql, stream, x)
  local n_out, steps = #ql.weights, #x // 4
  local words = expand(x)
  local out, at = {}, 1
  for first = 1, n_out, pairs_kernel.ROWS do
    local rows = math.min(pairs_kernel.ROWS, n_out - first + 1)
    local accs = {}
    for j = 1, rows do
      accs[j] = stream[at]
      at = at + 1
    end
    for k = 1, steps do
      local p, q = words[2 * k - 1], words[2 * k]
      for j = 1, rows do
        local w = stream[at]
        at = at + 1
        accs[j] = ARM.smlad(w, p, accs[j])
        accs[j] = ARM.smlad(ARM.sxtb16(w), q, accs[j])
      end
    end
    for j = 1, rows do
      out[first + j - 1] = kernel_requantize(accs[j], stream[at], stream[at + 1])
      at = at + 2
    end
  end
  equal(at, #stream + 1, "the kernel reads the whole stream")
  return out
end

local function reference(ql, folded, x)
  local out = {}
  for r, w in ipairs(ql.weights) do
    local acc = folded[r]
    for c = 1, #x do
      acc = acc + w[c] * x[c]
    end
    out[r] = tflite(acc, ql.multiplier[r], ql.shift[r], ql.pre.zero_point)
  end
  return out
end

local function inputs(n)
  local all = {}
  for _, fill in ipairs({ -128, 127, 0, -1 }) do
    local x = {}
    for c = 1, n do
      x[c] = fill
    end
    all[#all + 1] = x
  end
  local alternating = {}
  for c = 1, n do
    alternating[c] = c % 2 == 0 and -128 or 127
  end
  all[#all + 1] = alternating
  for _ = 1, 40 do
    local x = {}
    for c = 1, n do
      x[c] = random(-128, 127)
    end
    all[#all + 1] = x
  end
  return all
end

for _, shape in ipairs({ { 4, 4 }, { 5, 8 }, { 7, 16 }, { 16, 64 }, { 1, 12 }, { 3, 32 }, { 8, 504 } }) do
  for _, extreme in ipairs({ false, true }) do
    local ql, folded = layer(shape[1], shape[2], extreme)
    if shape[2] == 504 and not extreme then
      -- the bound itself: 128 * 127 * 516 reaches 2^23, so 504 columns of +-127 still qualify
      equal(pairs_kernel.applies(ql, folded), true, "504 columns qualify")
    end
    local stream = pairs_kernel.stream(ql, folded)
    for i, x in ipairs(inputs(shape[2])) do
      local got, want = run_dense(ql, stream, x), reference(ql, folded, x)
      for r = 1, #want do
        equal(got[r], want[r], string.format("dense %dx%d%s input %d row %d", shape[1], shape[2],
          extreme and " extreme" or "", i, r))
      end
    end
  end
end

-- A conv layer's stream (gen/ops/conv.lua): its columns a permutation of the weights with zero
-- weights among them, as the plane layouts order and pad a filter's taps. The kernel reads the
-- input in column order; a zero weight's input may hold anything (a plane's neighbouring byte).
local unsaturated = 0
for _, shape in ipairs({ { 4, 9, 12 }, { 6, 36, 36 }, { 5, 27, 36 }, { 8, 10, 16 } }) do
  for _, extreme in ipairs({ false, true }) do
    local n_out, taps, length = shape[1], shape[2], shape[3]
    local ql, folded = layer(n_out, taps, extreme)
    if not extreme then
      -- small biases and the shifts of typical sums (|acc| ~ 64 sqrt(taps) 64): most outputs
      -- inside int8 rather than saturated, so that a wrong sum shows
      for r = 1, n_out do
        folded[r] = random(-2000, 2000)
        ql.shift[r] = -random(7, 10)
      end
    end
    local columns = {}
    for k = 1, length do
      columns[k] = k <= taps and k or 0
    end
    for k = length, 2, -1 do -- a pseudo-random order
      local j = random(k)
      columns[k], columns[j] = columns[j], columns[k]
    end
    local stream = pairs_kernel.stream(ql, folded, columns)
    for i, x in ipairs(inputs(taps)) do
      local read = {}
      for k, column in ipairs(columns) do
        read[k] = column == 0 and random(-128, 127) or x[column]
      end
      local got, want = run_dense(ql, stream, read), reference(ql, folded, x)
      for r = 1, #want do
        unsaturated = unsaturated + ((want[r] > -128 and want[r] < 127) and 1 or 0)
        equal(got[r], want[r], string.format("conv stream %dx%d in %d columns%s input %d row %d", n_out, taps,
          length, extreme and " extreme" or "", i, r))
      end
    end
  end
end

-- (938 of the 2,070 outputs inside int8 when this was written)
equal(unsaturated > 500, true, "most conv stream outputs inside int8, not saturated")

-- The padding's pair words are those of four int8 all z.
for z = -128, 127 do
  local p, q = pairs_kernel.constant_words(z)
  local words = expand({ z, z, z, z })
  equal(p, words[1], "padding P of z " .. z)
  equal(q, words[2], "padding Q of z " .. z)
end

-- A layer past the bound does not qualify.
do
  local ql, folded = layer(4, 8, true)
  folded[2] = folded[2] >= 0 and folded[2] + 1 or folded[2] - 1
  equal(pairs_kernel.applies(ql, folded), false, "a row at 2^23 does not qualify")
end

-- Every accumulator around zero and the ties, through the requantization alone: the start value
-- 256 acc + n as the register, M and C as the stream holds them.
for _, shift in ipairs({ -1, -2, -3, -7, -12, -23 }) do
  for _, multiplier in ipairs({ 1 << 30, (1 << 30) + 1, 1518500250, (1 << 31) - 1 }) do
    for _, z in ipairs({ -128, -5, 0, 127 }) do
      local n = -shift
      local c = (1 << (n - 1)) + z * (1 << n)
      -- every acc within 1000 of zero, and of each value whose SRDHM lands on one of the first
      -- ties (h = k 2^n +- 2^(n-1)) and of the kernel's bound
      local centers = { 0, pairs_kernel.LIMIT - 1 - 1000, -(pairs_kernel.LIMIT - 1 - 1000) }
      for k = -3, 3 do
        local tie = k * (1 << n) + (1 << (n - 1))
        centers[#centers + 1] = (tie << 31) // multiplier
        centers[#centers + 1] = -((tie << 31) // multiplier)
      end
      for _, center in ipairs(centers) do
        for acc = center - 1000, center + 1000 do
          if math.abs(acc) < pairs_kernel.LIMIT then
            equal(kernel_requantize(wrap32(256 * acc + n), multiplier, c), tflite(acc, multiplier, shift, z),
              string.format("acc %d M %d shift %d z %d", acc, multiplier, shift, z))
          end
        end
      end
    end
  end
end

-- The pack of four results gives the expansion's words.
for _ = 1, 2000 do
  local t = { random(-128, 127), random(-128, 127), random(-128, 127), random(-128, 127) }
  if random(8) == 1 then
    t = { -128, 127, -128, 127 }
  end
  local p, q = pack(t[1], t[2], t[3], t[4])
  local words = expand(t)
  equal(p, words[1], "packed P")
  equal(q, words[2], "packed Q")
end

-- The per-feature affine kernel: MLA of 256 W and x onto 256 B + n, then the requantization.
do
  local n_features = 64
  local ql = { layer = { kind = "standardize", spec = { positions = 1 } }, weights = {}, multiplier = {},
    shift = {}, pre = { zero_point = random(-128, 127) }, activation = "linear" }
  local folded = {}
  for f = 1, n_features do
    ql.weights[f] = { random(-127, 127) }
    folded[f] = random(-100000, 100000)
    ql.multiplier[f] = random(1 << 30, (1 << 31) - 1)
    ql.shift[f] = -random(1, 9)
  end
  local stream = pairs_kernel.affine_stream(ql, folded)
  equal(#stream, 4 * n_features, "affine stream length")
  for x = -128, 127 do
    for f = 1, n_features do
      local at = 4 * (f - 1)
      local register = wrap32(stream[at + 1] * x + stream[at + 2])
      equal(kernel_requantize(register, stream[at + 3], stream[at + 4]),
        tflite(folded[f] + ql.weights[f][1] * x, ql.multiplier[f], ql.shift[f], ql.pre.zero_point),
        string.format("affine feature %d x %d", f, x))
    end
  end
end

print(string.format("test_pairs: %d checks, %d failed", checks, failures))
os.exit(failures == 0 and 0 or 1)
