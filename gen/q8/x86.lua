-- The x86 (AVX2) kernel of the int8 dense, conv and per-feature affine layers: eight weight rows
-- (or features) against the same int8 input per pass (the rows8_avx2 helper below), so that the
-- input is widened once for eight rows and the eight totals come out of one vector reduction;
-- where the layer takes the short requantization, the eight outputs are requantized together
-- too (scale8_avx2). The other rows, and the other targets, keep the layer's own loops; all give
-- the same bytes.
local activations = require("ops.activations")

local M = {}

M.ROWS = 8

-- A helper's C text (its comment, then the function) compiled only where AVX2 is, or may be
-- dispatched to: there for AVX2 alone (a target attribute).
local function avx2_helper(text)
  local comment, code = text:match("^(.-\n)(static inline .*)$")
  return "#if defined(${NAME}_Q8_DOT_AVX2) || defined(${NAME}_Q8_DOT_DISPATCH)\n" .. comment
    .. "#if defined(${NAME}_Q8_DOT_DISPATCH)\n__attribute__((target(\"avx2\")))\n#endif\n" .. code .. "#endif\n"
end

-- Their C helpers, emitted by gen/q8/code.lua with the others (${name}, ${NAME}: the model's
-- names).
M.HELPERS = {
  rows8_avx2 = avx2_helper([[
/* Eight weight rows against the same x (AVX2): sums[j] = bias[j] + sum_i w[j n + i] x[i]. Each
 * step takes 16 pairs (the last ones 8, then one at a time): x sign-extended to int16 once for
 * the eight rows, each row's weights sign-extended as they load (VPMOVSXBW), multiplied and added
 * in pairs into int32 (VPMADDWD, as in ${name}_q8_dot_avx2); at the end pairwise adds (VPHADDD)
 * fold the eight rows' lanes into one vector of their totals, so no row pays a reduction of its
 * own. The exact int32 sums. */
static inline void ${name}_q8_rows8_avx2(const int8_t *w, int n, const int8_t *x, const int32_t *bias, int32_t sums[8])
{
${ROWS8_BODY}
}
]]),
  affine8_avx2 = avx2_helper([[
/* Eight features of a per-feature affine layer (AVX2): sums[j] = bias[j] + w[j] x[j], each
 * int8 sign-extended to int32 and multiplied in its lane (exact: |w x| <= 2^14). */
static inline void ${name}_q8_affine8_avx2(const int8_t *w, const int8_t *x, const int32_t *bias, int32_t sums[8])
{
    const __m256i wv = _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(const void *)w));
    const __m256i xv = _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(const void *)x));
    const __m256i start = _mm256_loadu_si256((const __m256i *)(const void *)bias);
    _mm256_storeu_si256((__m256i *)(void *)sums, _mm256_add_epi32(start, _mm256_mullo_epi32(wv, xv)));
}
]]),
  scale8_avx2 = avx2_helper([[
/* ${name}_q8_scale of eight accumulators at once (AVX2), then the output's zero point z and
 * the clamp to [low, 127]: values[j]. The same exact steps: x q + 2^30 as a 64-bit product for
 * the even lanes and for the odd ones (moved down first), each shifted right by 31, the odd
 * lanes' results moved back up; then t = high - (high < 0) and ((t >> (-1 - shift)) + 1) >> 1
 * per lane. |x| < 2^30 and 0 < q < 2^31 (the generator's condition for the short form), so every
 * result fits its 32-bit lane. */
static inline void ${name}_q8_scale8_avx2(const int32_t acc[8], const int32_t *q, const int8_t *shift, int32_t z, int32_t low, int32_t values[8])
{
    const __m256i xv = _mm256_loadu_si256((const __m256i *)(const void *)acc);
    const __m256i qv = _mm256_loadu_si256((const __m256i *)(const void *)q);
    const __m256i half = _mm256_set1_epi64x(INT64_C(1) << 30);
    const __m256i even = _mm256_srli_epi64(_mm256_add_epi64(_mm256_mul_epi32(xv, qv), half), 31);
    const __m256i odd_product = _mm256_mul_epi32(_mm256_srli_epi64(xv, 32), _mm256_srli_epi64(qv, 32));
    const __m256i odd = _mm256_slli_epi64(_mm256_add_epi64(odd_product, half), 1);
    const __m256i high = _mm256_blend_epi32(even, odd, 0xAA);
    const __m256i t = _mm256_add_epi32(high, _mm256_srai_epi32(high, 31));
    const __m128i shift8 = _mm_loadl_epi64((const __m128i *)(const void *)shift);
    const __m256i right = _mm256_sub_epi32(_mm256_set1_epi32(-1), _mm256_cvtepi8_epi32(shift8));
    const __m256i one = _mm256_set1_epi32(1);
    const __m256i rounded = _mm256_srai_epi32(_mm256_add_epi32(_mm256_srav_epi32(t, right), one), 1);
    const __m256i moved = _mm256_add_epi32(rounded, _mm256_set1_epi32(z));
    const __m256i raised = _mm256_max_epi32(moved, _mm256_set1_epi32(low));
    const __m256i clamped = _mm256_min_epi32(raised, _mm256_set1_epi32(127));
    _mm256_storeu_si256((__m256i *)(void *)values, clamped);
}
]]),
  pack8_avx2 = avx2_helper([[
/* Eight int32 values already in [-128, 127] stored as int8 (two packs: nothing saturates). */
static inline void ${name}_q8_pack8_avx2(const int32_t values[8], int8_t *out)
{
    const __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)values);
    const __m128i halves = _mm_packs_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    _mm_storel_epi64((__m128i *)(void *)out, _mm_packs_epi16(halves, halves));
}
]]),
}

-- The body of rows8_avx2 (above): eight named accumulators, written out.
local function rows8_body()
  local lines = {}
  local function add(fmt, ...)
    lines[#lines + 1] = "    " .. string.format(fmt, ...)
  end
  -- row j's weights from `column` (w + i): "column", "column + n", "column + 2 * n", ...
  local function row(j)
    return j == 0 and "column" or (j == 1 and "column + n" or string.format("column + %d * n", j))
  end
  add("__m256i acc0 = _mm256_setzero_si256(), acc1 = acc0, acc2 = acc0, acc3 = acc0;")
  add("__m256i acc4 = acc0, acc5 = acc0, acc6 = acc0, acc7 = acc0;")
  add("int i = 0;")
  add("#if defined(${NAME}_Q8_DOT_VNNI)")
  add("/* AVX-512 VNNI, 64 pairs a step: VPDPBUSD multiplies unsigned by signed bytes, so (x xor 0x80)")
  add(" * = x + 128 times w, less 128 w accumulated the same way (as in ${name}_q8_dot) */")
  add("if (n >= 64) {")
  add("    const __m512i flip = _mm512_set1_epi8(-128);")
  add("    __m512i shifted0 = _mm512_setzero_si512(), shifted1 = shifted0, shifted2 = shifted0, shifted3 = shifted0;")
  add("    __m512i shifted4 = shifted0, shifted5 = shifted0, shifted6 = shifted0, shifted7 = shifted0;")
  add("    __m512i offset0 = shifted0, offset1 = shifted0, offset2 = shifted0, offset3 = shifted0;")
  add("    __m512i offset4 = shifted0, offset5 = shifted0, offset6 = shifted0, offset7 = shifted0;")
  add("    for (; i + 64 <= n; i += 64) {")
  add("        const __m512i xv = _mm512_xor_si512(_mm512_loadu_si512((const void *)(x + i)), flip);")
  add("        const int8_t *column = w + i;")
  for j = 0, 7 do
    add("        %swv = _mm512_loadu_si512((const void *)(%s));", j == 0 and "__m512i " or "", row(j))
    add("        shifted%d = _mm512_dpbusd_epi32(shifted%d, xv, wv);", j, j)
    add("        offset%d = _mm512_dpbusd_epi32(offset%d, flip, wv);", j, j)
  end
  add("    }")
  add("    /* each row's 16 lanes into its 8 (through memory: the 512-bit extracts trip g++ 12's bogus")
  add("     * maybe-uninitialized warning, GCC bug 105593, when this file is compiled as C++) */")
  add("    int32_t lanes[16];")
  for j = 0, 7 do
    add("    _mm512_storeu_si512((void *)lanes, _mm512_sub_epi32(shifted%d, offset%d));", j, j)
    add("    acc%d = _mm256_add_epi32(_mm256_loadu_si256((const __m256i *)(const void *)lanes),", j)
    add("                            _mm256_loadu_si256((const __m256i *)(const void *)(lanes + 8)));")
  end
  add("}")
  add("#endif")
  -- one step: x and each row's weights widened to int16 as they load, multiplied and added in
  -- pairs into the row's accumulator
  local function step(header, vector, widen, load, accumulate)
    add("%s", header)
    add("    const %s xv = %s(%s((const __m128i *)(const void *)(x + i)));", vector, widen, load)
    add("    const int8_t *column = w + i;")
    for j = 0, 7 do
      add("    %swv = %s(%s((const __m128i *)(const void *)(%s)));", j == 0 and vector .. " " or "", widen, load,
        row(j))
      add("    acc%d = _mm256_add_epi32(acc%d, %s);", j, j, accumulate)
    end
  end
  step("for (; i + 16 <= n; i += 16) {", "__m256i", "_mm256_cvtepi8_epi16", "_mm_loadu_si128",
    "_mm256_madd_epi16(wv, xv)")
  add("}")
  add("/* eight pairs more, the same steps in the low halves (their upper halves zero) */")
  step("if (i + 8 <= n) {", "__m128i", "_mm_cvtepi8_epi16", "_mm_loadl_epi64",
    "_mm256_zextsi128_si256(_mm_madd_epi16(wv, xv))")
  add("    i += 8;")
  add("}")
  add("/* VPHADDD adds neighbouring lanes within each 128-bit half: twice over, each half holds")
  add(" * four rows' partial totals, and the two halves' sum is the eight rows' */")
  add("const __m256i h01 = _mm256_hadd_epi32(acc0, acc1), h23 = _mm256_hadd_epi32(acc2, acc3);")
  add("const __m256i h45 = _mm256_hadd_epi32(acc4, acc5), h67 = _mm256_hadd_epi32(acc6, acc7);")
  add("const __m256i h0123 = _mm256_hadd_epi32(h01, h23), h4567 = _mm256_hadd_epi32(h45, h67);")
  add("const __m256i low = _mm256_permute2x128_si256(h0123, h4567, 0x20);")
  add("const __m256i high = _mm256_permute2x128_si256(h0123, h4567, 0x31);")
  add("const __m256i start = _mm256_loadu_si256((const __m256i *)(const void *)bias);")
  add("_mm256_storeu_si256((__m256i *)(void *)sums, _mm256_add_epi32(start, _mm256_add_epi32(low, high)));")
  add("/* the last n %% 8 pairs (the steps above end at n - n %% 8; counted from there, gcc 12 does")
  add(" * not take the loop for one that may pass the arrays' ends: -Waggressive-loop-optimizations) */")
  add("for (int k = n - n %% 8; k < n; ++k) {")
  add("    for (int j = 0; j < 8; ++j)")
  add("        sums[j] += (int32_t)w[j * n + k] * x[k];")
  add("}")
  return table.concat(lines, "\n")
end
M.HELPERS.rows8_avx2 = M.HELPERS.rows8_avx2:gsub("%${ROWS8_BODY}", function() return rows8_body() end)

-- Writes, for rows 0 .. (rows - rows % 8) - 1 in eights, their outputs through `store`:
--   store(row expression, value expression, requantized): the int32 accumulator B + W x when
--   requantized is false, else the requantized, clamped value (the table still to apply).
-- `opts`: ql, names (the layer's arrays), rows, length (of a row and of x), x (the input's C
-- expression), index (the loop variable), store; contiguous: where the eight outputs are in
-- order, a function of the first one's index giving its address (they are stored together);
-- affine: a per-feature affine layer (one weight per row, row r reading x[r]: the affine8
-- helper). Returns the first row it leaves to the caller.
function M.emit(buf, helpers, opts)
  local groups_end = opts.rows - opts.rows % M.ROWS
  if groups_end == 0 then
    return 0
  end
  local ql, names, r = opts.ql, opts.names, opts.index
  local short = activations.q8_short_requantize(ql)
  buf:loop(r, 0, groups_end, M.ROWS)
  buf:line("int32_t sums[%d];", M.ROWS)
  if opts.affine then
    buf:line("%s(%s + %s, %s + %s, %s + %s, sums);", helpers.affine8_avx2(), names.W, r, opts.x, r, names.B, r)
  else
    buf:line("%s(%s[%s], %d, %s, %s + %s, sums);", helpers.rows8_avx2(), names.W, r, opts.length, opts.x, names.B, r)
  end
  if short then
    buf:line("int32_t values[%d];", M.ROWS)
    buf:line("%s(sums, %s + %s, %s + %s, %d, %d, values);", helpers.scale8_avx2(), names.M, r, names.S, r,
      ql.pre.zero_point, activations.q8_clamp_low(ql))
  end
  if short and not ql.table and opts.contiguous then
    buf:line("%s(values, %s);", helpers.pack8_avx2(), opts.contiguous(r))
  else
    buf:loop("j", 0, M.ROWS)
    opts.store(r .. " + j", short and "values[j]" or "sums[j]", short)
    buf:close()
  end
  buf:close()
  return groups_end
end

-- The x86 branch of a layer's code, after its other targets' `#if` (directive "elif") or as the
-- first (directive "if"): on a CPU with AVX2 the kernel's rows (emit's `opts`), then
-- others(first) for the rest; without it (a dispatching build on an older CPU) others(0).
function M.branch(buf, helpers, directive, opts, others)
  buf:line("#%s %s", directive, helpers.x86_condition())
  buf:open("if (%s) {", helpers.has_avx2())
  others(M.emit(buf, helpers, opts))
  buf:otherwise()
  others(0)
  buf:close()
end

-- One output of the kernel into `target`: a requantized value (its table applied, if the layer
-- has one), or an accumulator, requantized here.
function M.store(buf, ql, names, helpers, target, value, requantized, channel)
  if not requantized then
    buf:open("{")
    activations.q8_store(buf, ql, names, helpers, target, value, channel)
    buf:close()
  elseif ql.table then
    buf:line("%s = %s[%s + 128];", target, names.T, value)
  else
    buf:line("%s = (int8_t)%s;", target, value)
  end
end

return M
