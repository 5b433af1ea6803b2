-- The vector instruction sets the tiled kernels (kernels.gemm) are also emitted for, and how their
-- intrinsics are spelled.
local M = {}

-- The vector instruction sets a full-width tile is also emitted for, each behind its macro from
-- gradc_rt.h: the most rows one register tile holds (accumulators = rows x vectors per tile row,
-- within the register file: up to 16 of 32 zmm for kernels.gemm's 8-row tiles, 12 of 16 ymm), and
-- the intrinsics' spelling per dtype.
M.VECTOR_ISAS = {
  {
    macro = "GRADC_AVX512", bytes = 64, rows = 8,
    float = { type = "__m512", suffix = "ps" }, double = { type = "__m512d", suffix = "pd" },
    prefix = "_mm512",
    -- the lanes of v where z > 0, zeros elsewhere (NaN compares false)
    keep_positive = function(op, z, v)
      return string.format("%s(%s(%s, %s(), _CMP_GT_OQ), %s)", op("maskz_mov"), op("cmp", "mask"),
        z, op("setzero"), v)
    end,
  },
  {
    macro = "GRADC_AVX2", bytes = 32, rows = 3,
    float = { type = "__m256", suffix = "ps" }, double = { type = "__m256d", suffix = "pd" },
    prefix = "_mm256",
    keep_positive = function(op, z, v)
      return string.format("%s(%s(%s, %s(), _CMP_GT_OQ), %s)", op("and"), op("cmp"), z, op("setzero"), v)
    end,
  },
}

-- "_mm512_max_ps" and the like: op("cmp", "mask") is "_mm512_cmp_ps_mask".
function M.intrinsic(isa, dtype)
  return function(name, tail)
    return isa.prefix .. "_" .. name .. "_" .. isa[dtype].suffix .. (tail and ("_" .. tail) or "")
  end
end

return M
