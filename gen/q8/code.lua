-- The C text of an int8 build: <name>_q8.c (net_q8_infer and its const data), <name>_qinfer.c
-- (the float wrapper), the header's declarations and constants, and <name>_q8_calib.txt. Each
-- layer kind writes its own loops (ops/*.lua `q8_emit`); this module lays out the data and the
-- function around them.
local activations = require("ops.activations")
local batchnorm = require("ops.batchnorm")
local conv = require("ops.conv")
local dense = require("ops.dense")
local emit = require("emit")
local pairs_kernel = require("q8.pairs")
local pool = require("ops.pool")
local quantize = require("q8.quantize")
local q8_x86 = require("q8.x86")
local shape = require("ops.shape")
local version = require("version")

local M = {}

-- The bytes of stack one call takes beyond its buffers: its saved registers, spills and scalars.
-- C cannot bound a frame, so this is a measured figure with room: the most make check-cross has
-- seen is 208 B (a Cortex-M0, tests/cross/conv1d_layouts.lua, gcc -O2), and it fails if a call on
-- any of its cores needs more than the header's figure for that core.
M.FRAME_ALLOWANCE = 320

local function basename(path)
  return path:match("([^/\\]+)$") or path
end

-- A double as C text that reads back exactly.
local function real_literal(value)
  local text = emit.shortest(value)
  if not text:find("[%.eEn]") then
    text = text .. ".0"
  end
  return text
end

-- An int32 literal (INT32_MIN has no literal of its own type).
local function int_literal(value)
  if value == -2147483648 then
    return "(-2147483647 - 1)"
  end
  return tostring(value)
end

-- "s 0.0627451, z -128": a tensor's parameters for comments.
local function params_text(t)
  return string.format("%s (s %s, z %d)", t.name, string.format("%.6g", t.scale), t.zero_point)
end

-- The layer's description for its comment block.
local function describe(ql)
  local layer = ql.layer
  local what
  if layer.kind == "dense" then
    what = string.format("dense %d -> %d", layer.n_in, layer.n_out)
  elseif layer.kind == "batchnorm" then
    what = string.format("batchnorm %s as a per-channel affine layer", shape.text(layer.in_shape))
  elseif layer.kind == "standardize" then
    what = string.format("input standardization %s as a per-feature affine layer", shape.text(layer.in_shape))
  elseif layer.kind == "conv1d" or layer.kind == "conv2d" then
    what = conv.describe(layer):gsub(", [%w_]+$", "")
  else
    what = string.format("%s %s -> %s", layer.kind, shape.text(layer.in_shape), shape.text(layer.out_shape))
  end
  if ql.folded then
    what = what .. ", with the batchnorm of layer " .. ql.folded.index .. " folded in"
  end
  local act = ql.activation
  if act == "leaky_relu" then
    act = act .. " (alpha " .. emit.shortest(ql.alpha) .. ")"
  end
  return what, act
end

-- A const array's initializer lines: `values` (Lua integers), up to 16 per line.
local function rows_of(buf, values, per_line)
  per_line = per_line or 16
  for i = 1, #values, per_line do
    local items = {}
    for k = i, math.min(i + per_line - 1, #values) do
      items[#items + 1] = int_literal(values[k])
    end
    buf:line("%s%s", table.concat(items, ", "), i + per_line > #values and "" or ",")
  end
end

-- `static const TYPE NAME[n] = {...};`, returning its bytes.
local function flat_array(buf, ctype, bytes_each, name, values, comment)
  buf:line("/* %s */", comment)
  buf:open("static const %s %s[%d] = {", ctype, name, #values)
  rows_of(buf, values)
  buf:close("};")
  return bytes_each * #values
end

-- The int8 weights of an affine layer, one row (or nested block) per output channel.
local function weight_array(buf, ql, name)
  local layer = ql.layer
  local count = #ql.weights * #ql.weights[1]
  if layer.kind == "batchnorm" or layer.kind == "standardize" then
    local flat = {}
    for c, w in ipairs(ql.weights) do
      flat[c] = w[1]
    end
    return flat_array(buf, "int8_t", 1, name, flat, string.format("%s[channel]: gamma / sqrt(var + eps), "
      .. "int8 per channel", name))
  end
  local dims
  if layer.kind == "dense" then
    dims = { layer.n_out, layer.n_in }
    buf:line("/* %s[%s]: int8, per-channel symmetric (scale max |w| / 127), read in this order */", name,
      table.concat(dims, "]["))
  else
    -- one row per filter, in the order of the input patch a position's taps are gathered into
    local g = conv.geometry(layer)
    dims = { g.filters, g.group_channels * g.kernel[1] * g.kernel[2] }
    buf:line("/* %s[filter][%s]: int8, per-channel symmetric (scale max |w| / 127), in patch order */", name,
      g.rank == 2 and "channel][ky][kx" or "channel][kx")
  end
  buf:open("static const int8_t %s[%s] = {", name, table.concat(dims, "]["))
  for c, w in ipairs(ql.weights) do
    if layer.kind == "dense" then
      buf:open("{")
      rows_of(buf, w)
      buf:close(c == #ql.weights and "}" or "},")
    else
      -- one line per kernel row (the innermost [kx] of a channel)
      local g = conv.geometry(layer)
      local row_length = g.kernel[2]
      buf:open("{")
      for start = 1, #w, row_length do
        local items = {}
        for k = start, start + row_length - 1 do
          items[#items + 1] = tostring(w[k])
        end
        buf:line("%s%s", table.concat(items, ", "), start + row_length > #w and "" or ",")
      end
      buf:close(c == #ql.weights and "}" or "},")
    end
  end
  buf:close("};")
  return count
end

-- The requantization helpers, each written only when some layer calls it.
local HELPERS = {
  target = [[
/* The dot products' paths, each chosen from the compiler's target macros (GRADC_PORTABLE forcing
 * plain C). */
#if !defined(GRADC_PORTABLE) && defined(__ARM_FEATURE_DSP)
#include <arm_acle.h>
#include <string.h>
#define ${NAME}_Q8_DOT_DSP 1
#if !defined(__ARM_BIG_ENDIAN) && defined(__GNUC__) && defined(__thumb2__)
/* the dense and conv layers' pair kernel (gen/q8/pairs.lua): Thumb-2 inline assembly (in the ARM
 * state LDRD and STRD would need an even and odd register pair), and its input pairs are lanes of
 * little-endian words */
#define ${NAME}_Q8_PAIRS 1
#endif
/* SXTB16 of v rotated by 8 (bytes 1 and 3), one instruction: gcc 12 does not fold a C rotate into
 * SXTB16's rotation operand (the separate rotate cost 2 of every 13 instructions of the loop). */
static inline int32_t ${name}_q8_sxtb16_ror8(int32_t v)
{
#if defined(__GNUC__)
    int32_t result;
    __asm__("sxtb16 %0, %1, ror #8" : "=r"(result) : "r"(v));
    return result;
#else
    return __sxtb16((int32_t)(((uint32_t)v >> 8) | ((uint32_t)v << 24)));
#endif
}
#elif !defined(GRADC_PORTABLE) && defined(__AVX512VNNI__) && defined(__AVX512BW__)
#include <immintrin.h>
#define ${NAME}_Q8_DOT_VNNI 1
#define ${NAME}_Q8_DOT_AVX2 1
#elif !defined(GRADC_PORTABLE) && defined(__AVX2__)
#include <immintrin.h>
#define ${NAME}_Q8_DOT_AVX2 1
#elif !defined(GRADC_PORTABLE) && !defined(GRADC_NO_DISPATCH) && defined(__x86_64__) && \
    (defined(__clang__) || (defined(__GNUC__) && __GNUC__ >= 6))
/* An x86-64 build that does not enable AVX2 itself (plain -O2, a generic distribution build):
 * the AVX2 steps are compiled for AVX2 alone (a target attribute) and run when the CPU has it,
 * as the float kernels' runtime dispatch does. GRADC_NO_DISPATCH keeps the build's own target. */
#include <immintrin.h>
#define ${NAME}_Q8_DOT_DISPATCH 1
#endif
]],
  dot = [[
#if defined(${NAME}_Q8_DOT_AVX2) || defined(${NAME}_Q8_DOT_DISPATCH)
/* AVX2 (and VNNI's remainder): sum w[i] x[i] over `count` pairs, a multiple of 16, 16 per step,
 * sign-extended to int16, multiplied and added in pairs into int32 (VPMADDWD: int8-range products
 * cannot saturate it, unlike VPMADDUBSW). */
#if defined(${NAME}_Q8_DOT_DISPATCH)
#define ${NAME}_Q8_HAS_AVX2() __builtin_cpu_supports("avx2")
__attribute__((target("avx2")))
#else
#define ${NAME}_Q8_HAS_AVX2() 1
#endif
static int32_t ${name}_q8_dot_avx2(const int8_t *w, const int8_t *x, int count)
{
    __m256i lanes = _mm256_setzero_si256();
    for (int i = 0; i < count; i += 16) {
        const __m128i w8 = _mm_loadu_si128((const __m128i *)(const void *)(w + i));
        const __m128i x8 = _mm_loadu_si128((const __m128i *)(const void *)(x + i));
        const __m256i wv = _mm256_cvtepi8_epi16(w8), xv = _mm256_cvtepi8_epi16(x8);
        lanes = _mm256_add_epi32(lanes, _mm256_madd_epi16(wv, xv));
    }
    const __m128i low = _mm256_castsi256_si128(lanes), high = _mm256_extracti128_si256(lanes, 1);
    const __m128i half = _mm_add_epi32(low, high);
    const __m128i quarter = _mm_add_epi32(half, _mm_unpackhi_epi64(half, half));
    return _mm_cvtsi128_si32(_mm_add_epi32(quarter, _mm_shuffle_epi32(quarter, 1)));
}
#endif

/* sum w[i] x[i] over n int8 pairs (a weight row and the layer's input or a conv's patch of it;
 * the input's zero point is folded into the biases). Integer sums are exact and the generator
 * refuses any layer whose accumulator could leave int32, so every path below (each chosen from
 * the compiler's target macros, or at run time for AVX2 in a build without it; GRADC_PORTABLE
 * forcing plain C) returns the same int32, in any order of the multiply-adds. gcc on x86 may not
 * carry a caller's constants into it (noipa): where the eight-row kernel leaves it a single call,
 * gcc 12 took that call's n and flagged the last loop (-Waggressive-loop-optimizations, on by
 * default: "iteration 15 invokes undefined behavior") though every pass stays in bounds. */
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 8 && \
    (defined(${NAME}_Q8_DOT_AVX2) || defined(${NAME}_Q8_DOT_DISPATCH))
__attribute__((noipa))
#endif
static int32_t ${name}_q8_dot(const int8_t *w, const int8_t *x, int n)
{
    int32_t sum = 0;
    int i = 0;
#if defined(${NAME}_Q8_DOT_DSP)
    /* Cortex-M4/M7/M33 (ARMv7E-M DSP): four int8 pairs per step, read as one 32-bit word each
     * (memcpy: one load), sign-extended in pairs to 16 bits (SXTB16 of bytes 0 and 2, then of
     * the word rotated by 8 for bytes 1 and 3), two dual multiply-adds (SMLAD).
     * w and x are read alike, so each product pairs w[k] with x[k] in either byte order. */
    for (; i + 4 <= n; i += 4) {
        int32_t wv, xv;
        memcpy(&wv, w + i, 4);
        memcpy(&xv, x + i, 4);
        sum = __smlad(__sxtb16(wv), __sxtb16(xv), sum);
        sum = __smlad(${name}_q8_sxtb16_ror8(wv), ${name}_q8_sxtb16_ror8(xv), sum);
    }
#elif defined(${NAME}_Q8_DOT_VNNI)
    /* AVX-512 VNNI: VPDPBUSD multiplies unsigned by signed bytes, so x + 128 (x xor 0x80) times w,
     * less 128 w accumulated the same way: sum w x exactly (no saturation in VPDPBUSD). */
    if (n >= 64) {
        const __m512i flip = _mm512_set1_epi8(-128);
        __m512i shifted = _mm512_setzero_si512(), offset = _mm512_setzero_si512();
        for (; i + 64 <= n; i += 64) {
            const __m512i wv = _mm512_loadu_si512((const void *)(w + i));
            const __m512i xv = _mm512_loadu_si512((const void *)(x + i));
            shifted = _mm512_dpbusd_epi32(shifted, _mm512_xor_si512(xv, flip), wv);
            offset = _mm512_dpbusd_epi32(offset, flip, wv);
        }
        /* summed through memory: the 512-bit extracts trip g++ 12's bogus maybe-uninitialized
         * warning (GCC bug 105593) when this file is compiled as C++ */
        int32_t lanes[16];
        _mm512_storeu_si512((void *)lanes, _mm512_sub_epi32(shifted, offset));
        for (int k = 0; k < 16; ++k)
            sum += lanes[k];
    }
#endif
#if defined(${NAME}_Q8_DOT_AVX2) || defined(${NAME}_Q8_DOT_DISPATCH)
    if (n - i >= 16 && ${NAME}_Q8_HAS_AVX2()) {
        const int count = (n - i) / 16 * 16;
        sum += ${name}_q8_dot_avx2(w + i, x + i, count);
        i += count;
    }
#endif
    for (; i < n; ++i)
        sum += (int32_t)w[i] * x[i];
    return sum;
}
]],
  dot2 = [[
/* The dot products of two weight rows with the same x: on ARMv7E-M DSP each word of x is read and
 * sign-extended once for both rows (15 instructions per 8 pairs instead of 22), on other 32-bit
 * ARM cores each byte of x; elsewhere two dot products. The same exact int32 sums. */
static void ${name}_q8_dot2(const int8_t *w0, const int8_t *w1, const int8_t *x, int n, int32_t sums[2])
{
#if defined(${NAME}_Q8_DOT_DSP)
    int32_t sum0 = 0, sum1 = 0;
    int i = 0;
    for (; i + 4 <= n; i += 4) {
        int32_t xv, wv0, wv1;
        memcpy(&xv, x + i, 4);
        memcpy(&wv0, w0 + i, 4);
        memcpy(&wv1, w1 + i, 4);
        const int32_t x_even = __sxtb16(xv), x_odd = ${name}_q8_sxtb16_ror8(xv);
        sum0 = __smlad(__sxtb16(wv0), x_even, sum0);
        sum0 = __smlad(${name}_q8_sxtb16_ror8(wv0), x_odd, sum0);
        sum1 = __smlad(__sxtb16(wv1), x_even, sum1);
        sum1 = __smlad(${name}_q8_sxtb16_ror8(wv1), x_odd, sum1);
    }
    for (; i < n; ++i) {
        sum0 += w0[i] * x[i];
        sum1 += w1[i] * x[i];
    }
    sums[0] = sum0;
    sums[1] = sum1;
    /* this path does not call the one-row dot product, which a build whose layers all pair up
     * would then leave unused (a warning) */
    (void)&${name}_q8_dot;
#elif !defined(GRADC_PORTABLE) && (defined(__arm__) || defined(__riscv))
    /* 32-bit ARM without the DSP extension (Cortex-M0/M0+/M3) and RISC-V: each x[i] loaded once
     * for both rows (5 instructions per pair instead of 7 on the M0) */
    int32_t sum0 = 0, sum1 = 0;
    for (int i = 0; i < n; ++i) {
        const int32_t xi = x[i];
        sum0 += w0[i] * xi;
        sum1 += w1[i] * xi;
    }
    sums[0] = sum0;
    sums[1] = sum1;
    (void)&${name}_q8_dot; /* not called here (see the DSP path) */
#else
    sums[0] = ${name}_q8_dot(w0, x, n);
    sums[1] = ${name}_q8_dot(w1, x, n);
#endif
}
]],
  srdhm = [[
/* SaturatingRoundingDoublingHighMul: a b / 2^31 to nearest (the nudge and the truncating division
 * round ties toward +infinity); the one overflow, INT32_MIN squared, saturates. */
static int32_t ${name}_q8_srdhm(int32_t a, int32_t b)
{
    if (a == INT32_MIN && b == INT32_MIN)
        return INT32_MAX;
    const int64_t ab = (int64_t)a * (int64_t)b;
    const int64_t nudge = ab >= 0 ? (INT64_C(1) << 30) : 1 - (INT64_C(1) << 30);
    return (int32_t)((ab + nudge) / (INT64_C(1) << 31)); /* C division: truncation */
}
]],
  rdbp = [[
/* RoundingDivideByPOT: x / 2^n to nearest, ties away from zero, n in 0..31 (x >> n is the
 * arithmetic shift on negative values, as gcc and clang define it). */
static int32_t ${name}_q8_rdbp(int32_t x, int n)
{
    const int32_t mask = (int32_t)((INT64_C(1) << n) - 1);
    const int32_t remainder = x & mask;
    const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> n) + (remainder > threshold ? 1 : 0);
}
]],
  requantize = [[
/* MultiplyByQuantizedMultiplier: x * q 2^(shift - 31), rounded as TFLite does. */
static int32_t ${name}_q8_requantize(int32_t x, int32_t q, int shift)
{
    const int left = shift > 0 ? shift : 0;
    const int right = shift > 0 ? 0 : -shift;
    int64_t scaled = (int64_t)x * (INT64_C(1) << left);
    if (scaled > INT32_MAX)
        scaled = INT32_MAX;
    if (scaled < INT32_MIN)
        scaled = INT32_MIN;
    return ${name}_q8_rdbp(${name}_q8_srdhm((int32_t)scaled, q), right);
}
]],
  scale = [[
/* MultiplyByQuantizedMultiplier of a layer whose every channel shifts right (shift <= -1) and
 * whose accumulators are bounded by 2^30 (2 x fits int32: the generator checks both): the same
 * two roundings as ${name}_q8_requantize in fewer steps. SRDHM(x, q) = (2 x q + 2^31) >> 32, one
 * SMMULR on ARMv7E-M DSP, one 64-bit product and shift elsewhere (q > 0, so INT32_MIN squared
 * cannot occur); then RDBP to nearest with ties away from zero: t = h - (h < 0) moves a negative
 * tie below the half, and (t 2^(1-n) + 1) / 2 rounds it, both floors exact as arithmetic shifts. */
static inline int32_t ${name}_q8_scale(int32_t x, int32_t q, int shift)
{
#if defined(${NAME}_Q8_DOT_DSP) && defined(__GNUC__)
    int32_t high;
    __asm__("smmulr %0, %1, %2" : "=r"(high) : "r"(2 * x), "r"(q));
#else
    const int32_t high = (int32_t)(((int64_t)x * q + (INT64_C(1) << 30)) >> 31);
#endif
    const int32_t t = high - (high < 0 ? 1 : 0);
    return ((t >> (-1 - shift)) + 1) >> 1;
}
]],
  offset = [[
/* r + z: a requantized value moved to the output's zero point, with r first bounded to
 * [-256, 256], which changes no clamped result (|z| <= 128) and keeps the sum inside int32. */
static int32_t ${name}_q8_offset(int32_t r, int32_t z)
{
    return (r < -256 ? -256 : r > 256 ? 256 : r) + z;
}
]],
  clamp = [[
/* An int32 clamped to [low, 127] as int8 (low is -128, or a relu's zero point). */
static int8_t ${name}_q8_clamp(int32_t value, int32_t low)
{
#if defined(${NAME}_Q8_DOT_DSP) && defined(__GNUC__)
    /* one SSAT to [-128, 127] (gcc writes the two compares as branches), then the low bound
     * (inline assembly: gcc 12's __ssat trips -Wsign-conversion) */
    int32_t saturated;
    __asm__("ssat %0, #8, %1" : "=r"(saturated) : "r"(value));
    return (int8_t)(low == -128 || saturated >= low ? saturated : low);
#else
    return (int8_t)(value < low ? low : value > 127 ? 127 : value);
#endif
}
]],
  max4 = [[
#if defined(${NAME}_Q8_PAIRS)
/* The bytewise maximum of two words of four int8 each: SSUB8 sets a GE flag for each byte where a
 * is not below b, SEL takes those bytes from a and the others from b (inline assembly, as for the
 * pair kernel: the ACLE's __sel takes unsigned words and its __ssub8 signed ones). */
static inline uint32_t ${name}_q8_max4(uint32_t a, uint32_t b)
{
    uint32_t result;
    __asm__("ssub8 %0, %1, %2\n\tsel %0, %1, %2" : "=&r"(result) : "r"(a), "r"(b) : "cc");
    return result;
}
#endif
]],
  average = [[
/* A pooling window's sum / n, rounded half away from zero. */
static int32_t ${name}_q8_average(int32_t sum, int32_t n)
{
    return sum >= 0 ? (sum + n / 2) / n : -((-sum + n / 2) / n);
}
]],
}
-- the x86 kernel's helpers (gen/q8/x86.lua)
for helper, text in pairs(q8_x86.HELPERS) do
  HELPERS[helper] = text
end
local HELPER_ORDER = { "target", "dot", "dot2", "rows8_avx2", "affine8_avx2", "scale8_avx2", "pack8_avx2", "srdhm", "rdbp", "requantize", "scale", "offset", "clamp", "max4",
  "average" }
local HELPER_NEEDS = { clamp = { "target" }, requantize = { "srdhm", "rdbp" }, dot = { "target" }, dot2 = { "dot", "target" }, scale = { "target" },
  rows8_avx2 = { "dot", "target" }, affine8_avx2 = { "dot", "target" }, scale8_avx2 = { "dot", "target" },
  pack8_avx2 = { "dot", "target" },
  max4 = { "target" } }

-- A table of helper-name functions that remember which helpers were used.
local function helper_names(plan)
  local used = {}
  local names = {}
  for _, helper in ipairs(HELPER_ORDER) do
    names[helper] = function()
      used[helper] = true
      for _, need in ipairs(HELPER_NEEDS[helper] or {}) do
        used[need] = true
      end
      return plan.name .. "_q8_" .. helper
    end
  end
  -- the DSP target's macro and rotate-and-extend, written with the target block
  names.dsp_macro = function()
    names.target()
    return plan.NAME .. "_Q8_DOT_DSP"
  end
  -- the condition under which the dot products have a SIMD path (ARMv7E-M DSP, AVX2 or its
  -- runtime dispatch): elsewhere a conv layer keeps rows of outputs in registers instead
  names.simd_dot_condition = function()
    names.target()
    return string.format("defined(%s_Q8_DOT_DSP) || defined(%s_Q8_DOT_AVX2) || defined(%s_Q8_DOT_DISPATCH)",
      plan.NAME, plan.NAME, plan.NAME)
  end
  -- the x86 builds with AVX2 (or its runtime dispatch), and the test that it may run
  names.x86_condition = function()
    names.dot()
    return string.format("defined(%s_Q8_DOT_AVX2) || defined(%s_Q8_DOT_DISPATCH)", plan.NAME, plan.NAME)
  end
  names.has_avx2 = function()
    names.dot()
    return plan.NAME .. "_Q8_HAS_AVX2()"
  end
  names.pairs_macro = function()
    names.target()
    return plan.NAME .. "_Q8_PAIRS"
  end
  names.sxtb16_ror8 = function()
    names.target()
    return plan.name .. "_q8_sxtb16_ror8"
  end
  local function text()
    local parts = {}
    for _, helper in ipairs(HELPER_ORDER) do
      if used[helper] then
        parts[#parts + 1] = (HELPERS[helper]:gsub("%${name}", plan.name):gsub("%${NAME}", plan.NAME))
      end
    end
    return table.concat(parts, "\n")
  end
  return names, text
end

-- A block comment of paragraphs (each starting on a line of its own), its lines filled to
-- LINE_WIDTH at the buffer's `depth`.
local LINE_WIDTH = 100
local function comment(buf, depth, ...)
  local lines = {}
  for _, paragraph in ipairs({ ... }) do
    local line = nil
    for word in paragraph:gmatch("%S+") do
      if line and 4 * depth + 3 + #line + 1 + #word > LINE_WIDTH then
        lines[#lines + 1] = line
        line = word
      else
        line = line and (line .. " " .. word) or word
      end
    end
    lines[#lines + 1] = line
  end
  for i, line in ipairs(lines) do
    buf:line("%s %s%s", i == 1 and "/*" or " *", line, i == #lines and " */" or "")
  end
end

-- qb[c] - z_in * sum qW[c]: acc = qb + sum qW (qx - z_in) = that + sum qW qx, so the kernels
-- multiply the int8 input as it is (a conv's padded taps hold z_in). |qb| + 128 sum |qW| is within
-- the accumulator bound quantize.lua enforces, so the folded bias is an int32.
local function folded_bias(ql)
  local z = ql.input.zero_point
  local folded = {}
  for c, w in ipairs(ql.weights) do
    local total = 0
    for _, v in ipairs(w) do
      total = total + v
    end
    folded[c] = ql.bias[c] - z * total
    assert(folded[c] >= -2147483648 and folded[c] <= 2147483647, "folded bias outside int32")
  end
  return folded
end

-- The const data of one layer (comment block, arrays); returns its names and bytes.
local function layer_data(buf, ql, helpers)
  local l = ql.index
  local names = { W = "W" .. l, B = "B" .. l, M = "M" .. l, S = "S" .. l, T = "T" .. l, EXP = "EXP" .. l }
  local bytes, dsp_bytes = 0, 0
  if ql.weights then
    local folded = folded_bias(ql)
    if ql.affine_asm then
      buf:line("#if defined(%s)", helpers.pairs_macro())
      dsp_bytes = dsp_bytes + flat_array(buf, "int32_t", 4, names.W, pairs_kernel.affine_stream(ql, folded), string.format("%s: "
        .. "per feature 256 W, 256 (qb - z W) + n (z = %d), M and 2^(n-1) + z_out 2^n (shift -n), for "
        .. "the assembly loop", names.W, ql.input.zero_point))
      buf:line("#else")
    end
    if ql.pairs then
      -- the same weights in the pair kernel's order and encoding, with the start values,
      -- multipliers and rounding constants between them (gen/q8/pairs.lua)
      buf:line("#if defined(%s)", helpers.pairs_macro())
      dsp_bytes = dsp_bytes + flat_array(buf, "int32_t", 4, names.W, pairs_kernel.stream(ql, folded, ql.pairs_columns), string.format("%s: per "
        .. "block of 4 rows their start values 256 (qb - z sum W + 127 sum W[odd columns]) + n (z = %d, "
        .. "modulo 2^32), per 4 columns one word per row of its int8 weights as int16 lanes w0 + 256 "
        .. "w1, w2 + 256 w3, then per row M and 2^(n-1) + z_out 2^n (shift -n)%s", names.W,
        ql.input.zero_point, ql.pairs_order or ""))
      buf:line("#else")
    end
    bytes = bytes + weight_array(buf, ql, names.W)
    bytes = bytes + flat_array(buf, "int32_t", 4, names.B, folded, string.format(
      "%s: int32 biases qb - z sum W (qb at scale s_%s s_w, z = %d folded in): acc = %s + sum W x",
      names.B, ql.input.name, ql.input.zero_point, names.B))
    bytes = bytes + flat_array(buf, "int32_t", 4, names.M, ql.multiplier, string.format(
      "%s, %s: each channel's requantization %s * s_w / %s = %s 2^(%s - 31)", names.M, names.S,
      "s_" .. ql.input.name, "s_" .. ql.pre.name, names.M, names.S))
    bytes = bytes + flat_array(buf, "int8_t", 1, names.S, ql.shift, names.S .. ": the shifts")
    if ql.pairs or ql.affine_asm then
      buf:line("#endif")
    else
      dsp_bytes = bytes
    end
  end
  local shared = 0
  if ql.table then
    shared = shared + flat_array(buf, "int8_t", 1, names.T, ql.table, string.format(
      "%s[Zq + 128] = Aq: %s of %s, in %s's parameters", names.T, ql.activation, ql.pre.name,
      ql.output.name))
  end
  if ql.exp_table then
    -- the exponentials decrease, so every entry after the first zero is zero: the array stops
    -- there and the softmax reads 0 beyond it; the kept entries (1 .. 65536) are stored less 1,
    -- in 16 bits (the table was a large share of a small net's const data)
    local kept = {}
    for d, e in ipairs(ql.exp_table) do
      if e == 0 then
        break
      end
      assert(e >= 1 and e <= 65536, "softmax exponential outside 1 .. 65536")
      kept[d] = e - 1
    end
    for d = #kept + 1, #ql.exp_table do
      assert(ql.exp_table[d] == 0, "softmax exponentials not decreasing")
    end
    ql.exp_kept = #kept
    shared = shared + flat_array(buf, "uint16_t", 2, names.EXP, kept, string.format(
      "%s[d] + 1 = round(exp(-s_%s d) 65536)%s: softmax's exponentials", names.EXP, ql.pre.name,
      #kept < #ql.exp_table and string.format(" for d < %d (0 from there to %d)", #kept, #ql.exp_table - 1)
      or ""))
  end
  return names, bytes + shared, dsp_bytes + shared
end

-- The int8 record of the build: everything the files and the header need.
function M.prepare(plan, q8)
  local data = emit.buffer(0)
  local body = emit.buffer(1)
  local helpers, helper_text = helper_names(plan)
  local layers = q8.layers
  -- The activations between layers: the odd layers' outputs in ping, the even ones' in pong, each
  -- as large as the largest it holds (two objects, not one arena, so the compiler knows a store
  -- to one leaves the other as it was: on a Cortex-M0 a shared arena cost 13% more instructions)
  local ping_bytes, pong_bytes = 0, 0
  for i = 1, #layers - 1 do
    local size = shape.features(layers[i].out_shape)
    if i % 2 == 1 then
      ping_bytes = math.max(ping_bytes, size)
    else
      pong_bytes = math.max(pong_bytes, size)
    end
  end
  if #layers == 2 then
    body:line("int8_t ping[%d];", ping_bytes)
  elseif #layers > 2 then
    body:line("int8_t ping[%d], pong[%d];", ping_bytes, pong_bytes)
  end
  -- which layers take the DSP kernels (gen/q8/pairs.lua): a layer of fewer than four rows only
  -- when the layer before writes its pair words (else expanding its input costs more than the
  -- kernel saves: logistic's one row took 32 instructions instead of 26)
  for i, ql in ipairs(layers) do
    if ql.weights then
      local folded = folded_bias(ql)
      local kind = ql.layer.kind
      if kind == "conv1d" or kind == "conv2d" then
        local layout = conv.q8_pairs_layout(ql)
        ql.pairs = layout ~= nil and pairs_kernel.takes(ql, folded)
        ql.pairs_columns = ql.pairs and layout.columns or nil
        local orders = {
          channels = "; a filter's columns are its taps in the order (ky, kx, channel)",
          windows = "; a filter's columns are its taps in W's order, each kernel row padded with zero weights "
            .. "to whole words",
          patch = "; a filter's columns are its taps in W's order, then zero weights to whole words",
        }
        ql.pairs_order = ql.pairs and orders[layout.kind] or nil
      else
        ql.pairs = pairs_kernel.applies(ql, folded)
      end
      ql.affine_asm = (kind == "batchnorm" or kind == "standardize") and pairs_kernel.affine_applies(ql, folded)
      local before = layers[i - 1]
      if ql.pairs and kind == "dense" and ql.n_out < pairs_kernel.ROWS
        and not (before and before.pairs and before.n_out % pairs_kernel.ROWS == 0) then
        ql.pairs = false
      end
    end
  end
  -- then the const data
  local weights_bytes, dsp_weights_bytes = 0, 0
  local layer_names, titles = {}, {}
  for i, ql in ipairs(layers) do
    local what, act = describe(ql)
    local tensors = params_text(ql.input) .. " -> " .. (ql.pre ~= ql.output
      and (params_text(ql.pre) .. " -> ") or "") .. params_text(ql.output)
    if ql.pre == ql.input and ql.output == ql.input then
      tensors = params_text(ql.input) .. " (the output shares them)"
    end
    local title = ql.folded and string.format("layers %d and %d", ql.layer.index, ql.folded.index)
      or string.format("layer %d", ql.layer.index)
    if ql.weights then
      what = what .. ", " .. act
    end
    if ql.weights or ql.table or ql.exp_table then
      data:line("")
      comment(data, 0, string.format("%s: %s.", title, what), tensors)
    end
    local names, bytes, dsp_bytes = layer_data(data, ql, helpers)
    weights_bytes = weights_bytes + bytes
    dsp_weights_bytes = dsp_weights_bytes + dsp_bytes
    layer_names[i], titles[i] = names, { title = title, what = what, tensors = tensors }
  end
  -- a pair-kernel layer of whole four-row blocks before another writes that one's pair words,
  -- into two buffers in turn
  local pair_words = 0
  for i = 1, #layers - 1 do
    local ql, next_ql = layers[i], layers[i + 1]
    if ql.pairs and ql.kind == "dense" and ql.n_out % pairs_kernel.ROWS == 0 and next_ql.pairs
      and next_ql.kind == "dense" then
      ql.pairs_out = "pairs" .. (i % 2)
      next_ql.pairs_in = ql.pairs_out
      pair_words = math.max(pair_words, ql.n_out // 2)
    end
  end
  if pair_words > 0 then
    body:line("#if defined(%s)", helpers.pairs_macro())
    body:line("int32_t pairs0[%d], pairs1[%d];", pair_words, pair_words)
    body:line("(void)pairs0;")
    body:line("(void)pairs1;")
    if #layers > 1 then
      body:line("(void)ping;")
    end
    if #layers > 2 then
      body:line("(void)pong;")
    end
    body:line("#endif")
  end
  local input = "xq"
  for i, ql in ipairs(layers) do
    local output = i == #layers and "yq" or (input == "ping" and "pong" or "ping")
    local names, title, what, tensors = layer_names[i], titles[i].title, titles[i].what, titles[i].tensors
    body:line("")
    comment(body, 1, string.format("%s: %s: %s[%d] from %s.", title, what, output,
      shape.features(ql.out_shape), input), tensors)
    if ql.kind == "dense" then
      dense.q8_emit(body, ql, names, helpers, input, output)
    elseif ql.kind == "conv1d" or ql.kind == "conv2d" then
      conv.q8_emit(body, ql, names, helpers, input, output)
    elseif ql.kind == "batchnorm" or ql.kind == "standardize" then
      batchnorm.q8_emit(body, ql, names, helpers, input, output)
    else
      pool.q8_emit(body, ql, helpers, input, output)
    end
    if ql.exp_table then
      activations.q8_softmax(body, ql, names, helpers, output)
    end
    input = output
  end
  local buffers = ping_bytes + pong_bytes
  -- the largest conv patch (one output position's taps), in its layer's block of the same frame
  local patch = 0
  for _, ql in ipairs(layers) do
    if ql.kind == "conv1d" or ql.kind == "conv2d" then
      patch = math.max(patch, conv.q8_patch_size(ql.layer))
    end
  end
  buffers = buffers + patch
  -- the pair kernel's builds add the two pair-word buffers and the largest input a layer expands
  -- itself (2 bytes per int8)
  local expanded = 0
  for _, ql in ipairs(layers) do
    if ql.pairs and (ql.kind == "conv1d" or ql.kind == "conv2d") then
      -- a conv's plane of pair words, or its patch and the patch's pair words
      expanded = math.max(expanded, conv.q8_pairs_layout(ql).scratch)
    elseif ql.pairs and not ql.pairs_in then
      expanded = math.max(expanded, 2 * ql.n_in)
    end
  end
  return {
    data = data:text(), body = body:text(), helpers = helper_text(),
    weights_bytes = weights_bytes, buffer_bytes = buffers,
    dsp_weights_bytes = dsp_weights_bytes, dsp_buffer_bytes = buffers + 8 * pair_words + expanded,
  }
end

function M.declarations(plan, q8, prepared)
  local NAME, name = plan.NAME, plan.name
  return string.format([[

/* Integer (int8) inference (%s_q8.c, %s_qinfer.c), calibrated on %d rows, with
 * real = scale * (q - zero point). %s_q8_infer: one sample of int8 inputs to int8 outputs in
 * integer arithmetic only (no floating point: it builds and runs on cores without an FPU).
 * %s_qinfer: quantizes x, calls it, dequantizes y. %s_Q8_WEIGHTS_BYTES: the const data of
 * %s_q8.c; %s_Q8_INFER_BYTES: the int8 ping-pong buffers (odd layers' outputs in one, even
 * layers' in the other, each as large as the largest it holds) and the largest conv's input patch
 * (one output position's taps) on the stack of one call. %s_Q8_INFER_STACK_BYTES: the peak
 * stack of one call, those buffers plus %d B for its own frame (saved registers, spills,
 * scalars: a measured allowance, make check-cross fails if a call on a Cortex-M4F, a Cortex-M0
 * or a RISC-V core needs more). The _DSP_ figures: the same on little-endian ARMv7E-M DSP cores
 * (Cortex-M4/M7/M33) built with gcc or clang, whose dense, conv and per-feature affine layers
 * read one stream of constants each and keep their inputs as int16 pair words (a conv's as a
 * plane of them). */
#define %s_HAS_Q8 1
#define %s_Q8_INPUT_SCALE            %s
#define %s_Q8_INPUT_ZERO_POINT       (%d)
#define %s_Q8_OUTPUT_SCALE           %s
#define %s_Q8_OUTPUT_ZERO_POINT      (%d)
#define %s_Q8_WEIGHTS_BYTES          %d
#define %s_Q8_INFER_BYTES            %d
#define %s_Q8_INFER_STACK_BYTES      (%s_Q8_INFER_BYTES + %d)
#define %s_Q8_DSP_WEIGHTS_BYTES      %d
#define %s_Q8_DSP_INFER_BYTES        %d
#define %s_Q8_DSP_INFER_STACK_BYTES  (%s_Q8_DSP_INFER_BYTES + %d)
void %s_q8_infer(const int8_t *xq, int8_t *yq);
void %s_qinfer(const %s_real *x, %s_real *y);
]], name, name, q8.rows, name, name, NAME, name, NAME, NAME, M.FRAME_ALLOWANCE, NAME, NAME,
    real_literal(q8.input.scale), NAME, q8.input.zero_point, NAME, real_literal(q8.output.scale), NAME,
    q8.output.zero_point, NAME, prepared.weights_bytes, NAME, prepared.buffer_bytes, NAME, NAME,
    M.FRAME_ALLOWANCE, NAME, prepared.dsp_weights_bytes, NAME, prepared.dsp_buffer_bytes, NAME, NAME,
    M.FRAME_ALLOWANCE, name, name, name, name)
end

-- The files of the int8 build: { name, text } list. `sources` names the weights and calibration
-- files for the banners.
function M.files(plan, q8, prepared, sources)
  local name, NAME = plan.name, plan.NAME
  local spec = basename(plan.model.file)
  local tensors = {}
  for _, t in ipairs(q8.record) do
    tensors[#tensors + 1] = string.format(" *   %-5s [%s, %s]  s %s  z %d", t.name, string.format("%.6g", t.min),
      string.format("%.6g", t.max), string.format("%.6g", t.scale), t.zero_point)
  end
  local q8_text = string.format([[
/*
 * %s_q8.c: generated by gradc %s from spec %s,
 * weights file %s and calibration file %s (%d rows). Do not edit; regenerate instead.
 *
 * One-sample int8 inference with integer arithmetic only: activations are int8 per tensor
 * (real = s (q - z)), weights int8 per output channel (symmetric, scale max |w| / 127), biases
 * int32; each output is acc * M rounded (a Q31 multiplier and a shift, TFLite's
 * MultiplyByQuantizedMultiplier), moved to the output's zero point and clamped (relu: from the
 * zero point up). sigmoid, tanh and leaky_relu are 256-entry tables of the clamped Zq, softmax
 * an exponential table and an integer division; max pools take the int8 maximum, average pools
 * the rounded mean. Batchnorm after a linear dense or conv layer is folded into it. The input's
 * zero point is folded into the biases; a conv gathers each output position's taps into a patch
 * (on ARMv7E-M DSP cores reads them from a plane its input is expanded into once) and, like
 * dense, sums them with one dot product (SMLAD on ARMv7E-M DSP cores; AVX2 or AVX-512 VNNI on
 * x86, eight weight rows a pass; plain C elsewhere: the same exact int32 sums). No heap, no
 * mutable data: two int8 ping-pong buffers and a conv's patch or plane on the stack
 * (%s_Q8_INFER_STACK_BYTES in all, %s_Q8_DSP_INFER_STACK_BYTES on those cores).
 *
 * Tensors (calibrated range including 0, scale, zero point):
%s
 */
#include <stdint.h>

#include "%s.h"

%s%s

void %s_q8_infer(const int8_t *xq, int8_t *yq)
{
%s
}
]], name, version, spec, sources.weights, sources.calib, q8.rows, NAME, NAME, table.concat(tensors, "\n"),
    name, prepared.helpers, prepared.data, name, prepared.body)
  local qinfer_text = string.format([[
/*
 * %s_qinfer.c: generated by gradc %s from spec %s. Do not edit; regenerate instead.
 *
 * The float interface of %s_q8_infer: x quantized with the input's parameters
 * (xq = clamp(round(x / s) + z, -128, 127), in double, round half away from zero; huge or
 * infinite x saturate, NaN becomes z), and yq dequantized (y = s (yq - z)).
 */
#include <stdint.h>

#include "%s.h"

void %s_qinfer(const %s_real *x, %s_real *y)
{
    int8_t xq[%s_INPUTS], yq[%s_OUTPUTS];
    for (int i = 0; i < %s_INPUTS; ++i) {
        double v = (double)x[i] / %s_Q8_INPUT_SCALE;
        if (v != v)
            v = 0.0;
        else if (v > 512.0) /* beyond any int8 after the zero point: saturates either way */
            v = 512.0;
        else if (v < -512.0)
            v = -512.0;
        const double magnitude = v < 0.0 ? -v : v;
        int32_t whole = (int32_t)magnitude; /* truncation, then the half rounds away from zero */
        if (magnitude - (double)whole >= 0.5)
            ++whole;
        int32_t q = (v < 0.0 ? -whole : whole) + %s_Q8_INPUT_ZERO_POINT;
        q = q < -128 ? -128 : q > 127 ? 127 : q;
        xq[i] = (int8_t)q;
    }
    %s_q8_infer(xq, yq);
    for (int i = 0; i < %s_OUTPUTS; ++i)
        y[i] = (%s_real)(%s_Q8_OUTPUT_SCALE * (double)(yq[i] - %s_Q8_OUTPUT_ZERO_POINT));
}
]], name, version, spec, name, name, name, name, name, NAME, NAME, NAME, NAME, NAME, name, NAME, name,
    NAME, NAME)
  return {
    { name = name .. "_q8.c", text = q8_text },
    { name = name .. "_qinfer.c", text = qinfer_text },
    { name = name .. "_q8_calib.txt", text = quantize.record_text(plan, q8) },
  }
end

return M
