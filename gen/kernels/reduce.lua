-- Reductions the layers' loop code shares: transposes (so reductions over the batch become
-- products over contiguous rows) and deterministic row sums.

local emit = require("emit")

local M = {}

-- dst[j][k] = src[k][j] for k < rows, j < cols: 8 x 8 blocks by the runtime's AVX2 transpose
-- where there is one (float), plain loops for the edges and everywhere else.
function M.transpose(buf, plan, src, dst, rows, cols)
  local function plain(k_from, k_to, j_from, j_to)
    if k_from >= k_to or j_from >= j_to then
      return
    end
    buf:loop("k", k_from, k_to)
    buf:loop("j", j_from, j_to)
    buf:line("%s[j][k] = %s[k][j];", dst, src)
    buf:close()
    buf:close()
  end
  if plan.dtype ~= "float" or rows < 8 or cols < 8 then
    plain(0, rows, 0, cols)
    return
  end
  local full_rows, full_cols = rows - rows % 8, cols - cols % 8
  buf:line("#if defined(GRADC_AVX2)")
  buf:loop("k0", 0, full_rows, 8)
  buf:loop("j0", 0, full_cols, 8)
  buf:line("gradc_transpose8_ps(&%s[k0][j0], %d, &%s[j0][k0], %d);", src, cols, dst, rows)
  buf:close()
  buf:close()
  plain(full_rows, rows, 0, cols)
  plain(0, full_rows, full_cols, cols)
  buf:line("#else")
  plain(0, rows, 0, cols)
  buf:line("#endif")
end

-- Row sums with LANES independent partial sums, combined in a fixed order: strict IEEE code
-- cannot vectorize a single running sum, and this keeps the result deterministic.
M.LANES = 8

-- Rows in eights through the runtime's AVX2 row sums (float, whole vectors of columns), which add
-- exactly as the loops below do; the other rows, and every row elsewhere, through the loops.
local function vector_row_sums(buf, source, target, rows, cols, lr)
  local full = rows - rows % 8
  buf:loop("r0", 0, full, 8)
  buf:line("const __m256 sums = gradc_row_sums8_ps(&%s[r0][0], %d, %d);", source, cols, cols)
  if lr then
    buf:line("const __m256 steps = _mm256_mul_ps(_mm256_set1_ps(%s), sums);", lr)
    buf:line("_mm256_storeu_ps(&%s[r0], _mm256_sub_ps(_mm256_loadu_ps(&%s[r0]), steps));", target, target)
  else
    buf:line("_mm256_storeu_ps(&%s[r0], sums);", target)
  end
  buf:close()
  return full
end

function M.row_sums(buf, plan, source, target, rows, cols, lr)
  if plan.dtype == "float" and rows >= 8 and cols >= 2 * M.LANES and cols % M.LANES == 0 then
    buf:line("#if defined(GRADC_AVX2)")
    local full = vector_row_sums(buf, source, target, rows, cols, lr)
    M.plain_row_sums(buf, plan, source, target, full, rows, cols, lr)
    buf:line("#else")
    M.plain_row_sums(buf, plan, source, target, 0, rows, cols, lr)
    buf:line("#endif")
    return
  end
  M.plain_row_sums(buf, plan, source, target, 0, rows, cols, lr)
end

-- Rows first .. rows - 1 in plain loops.
function M.plain_row_sums(buf, plan, source, target, first, rows, cols, lr)
  local zero = emit.literal(0, plan.dtype)
  if first >= rows then
    return
  end
  buf:loop("r", first, rows)
  if cols < 2 * M.LANES then
    buf:line("%s sum = %s;", plan.real, zero)
    buf:loop("j", 0, cols)
    buf:line("sum += %s[r][j];", source)
    buf:close()
  else
    local full = cols - cols % M.LANES
    buf:line("%s lane[%d] = {%s};", plan.real, M.LANES, zero)
    buf:loop("j0", 0, full, M.LANES)
    buf:loop("j", 0, M.LANES)
    buf:line("lane[j] += %s[r][j0 + j];", source)
    buf:close()
    buf:close()
    buf:line("%s sum = %s;", plan.real, zero)
    buf:loop("j", 0, M.LANES)
    buf:line("sum += lane[j];")
    buf:close()
    if full < cols then
      buf:loop("j", full, cols)
      buf:line("sum += %s[r][j];", source)
      buf:close()
    end
  end
  if lr then
    buf:line("%s[r] -= %s * sum;", target, lr)
  else
    buf:line("%s[r] = sum;", target)
  end
  buf:close()
end

return M
