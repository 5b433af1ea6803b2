-- The register-tiled matrix product C = init + A B as emitted C: dense layers' forward pass, their
-- weight gradients and the propagation of dZ, and convolutions as implicit products, all run on it.
local simd = require("kernels.isa")

local M = {}

-- Register tiles: ROW_TILE rows of C by COL_TILE_BYTES of columns are accumulated in a local array
-- the compiler keeps in vector registers (6 x 32 floats = 12 AVX-512 registers), so every B row
-- loaded from memory feeds ROW_TILE multiply-adds and nothing is stored until the tile is done.
-- Measured on Zen 4 for a 128 x 784 x 32 product: 118 GF/s (gcc 12) and 109 GF/s (clang 14) with
-- -O3 -march=native, against 57 for the rank-1-update loops; 8-row tiles ran at 2.7 GF/s in clang.
M.ROW_TILE = 6
M.COL_TILE_BYTES = 128

-- Deep products whose row count is a multiple of DEEP_ROW_TILE take tiles of that many rows
-- instead (16 of the 32 zmm registers): mlp's 128 x 784 x 32 layer then has no two-row remainder
-- tile, which is latency-bound (four accumulator chains), and its forward ran 2-3% faster. In
-- shallow products (seed3's depth 16 and 32) gcc 12 spilled an 8-row tile's right-hand vectors
-- to the stack, and seed3's forward ran 1.6x slower; reg's depth-64 layers gained 3-5%.
M.DEEP_ROW_TILE = 8
M.DEEP_DEPTH = 64

local function row_tile(g)
  if g.depth >= M.DEEP_DEPTH and g.rows % M.DEEP_ROW_TILE == 0 then
    return M.DEEP_ROW_TILE
  end
  return M.ROW_TILE
end

-- "i0 + 3", or "63" when i0 is a number.
local function offset(base, delta)
  local number = tonumber(base)
  if number then
    return tostring(number + delta)
  end
  return delta == 0 and base or (base .. " + " .. delta)
end

-- The k loop of one tile with named vector accumulators and explicit fused multiply-adds; `cols`
-- is a whole number of vectors. At the end the accumulators go into acc[][] for the scalar store
-- loop, or, given `writes` (see vector_writes), straight from the registers to their arrays.
-- Names: sum<r>_<v> accumulates row r, vector v of the tile; krow<v> is vector v of row k of the
-- right-hand operand; aik<r> is the left-hand element of row r broadcast to every lane.
local function vector_tile(buf, plan, g, isa, i0, rows, j0, cols, writes)
  local real_bytes = plan.dtype == "float" and 4 or 8
  local lanes = isa.bytes // real_bytes
  local vectors = cols // lanes
  local kind = isa[plan.dtype]
  local op = simd.intrinsic(isa, plan.dtype)
  for first = 0, rows - 1, isa.rows do
    local count = math.min(isa.rows, rows - first)
    buf:open("{")
    for r = 0, count - 1 do
      local init = op("set1") .. "(" .. g.init(offset(i0, first + r)) .. ")"
      local names = {}
      for v = 0, vectors - 1 do
        names[#names + 1] = string.format("sum%d_%d = %s", r, v, init)
      end
      buf:line("%s %s;", kind.type, table.concat(names, ", "))
    end
    buf:loop("k", 0, g.depth)
    for v = 0, vectors - 1 do
      buf:line("const %s krow%d = %s(&%s);", kind.type, v, op("loadu"), g.b("k", offset(j0, v * lanes)))
    end
    for r = 0, count - 1 do
      buf:line("const %s aik%d = %s(%s);", kind.type, r, op("set1"), g.a(offset(i0, first + r), "k"))
      for v = 0, vectors - 1 do
        buf:line("sum%d_%d = %s(aik%d, krow%d, sum%d_%d);", r, v, op("fmadd"), r, v, r, v)
      end
    end
    buf:close()
    for r = 0, count - 1 do
      for v = 0, vectors - 1 do
        if writes then
          local function at(name)
            return string.format("&%s[%s][%s]", name, g.row(offset(i0, first + r)), offset(j0, v * lanes))
          end
          for _, write in ipairs(writes) do
            buf:line("%s(%s, %s);", op("storeu"), at(write.name),
              write.value(string.format("sum%d_%d", r, v), function(name) return op("loadu") .. "(" .. at(name) .. ")" end))
          end
        else
          buf:line("%s(&acc[%d][%d], sum%d_%d);", op("storeu"), first + r, v * lanes, r, v)
        end
      end
    end
    buf:close()
  end
end

-- The portable k loop of a one-column tile (a matrix-vector product: one-sample inference) whose
-- rows start at i0: one named accumulator per row, so that the compiler keeps them in registers
-- without unrolling a row loop, and each element b_k of the column is loaded once for all the
-- rows. The sums go to acc[][] for the store loop after the k loop. Each row's sum is the same
-- chain of `sum += a * b` in order of k as the general loop's: the same bits. On rv32imf (-O2)
-- seed3's one-sample inference took 9.6 instructions per multiply-add with acc[][] in memory.
local function plain_column_tile(buf, plan, g, i0, j0, rows)
  local real = plan.real
  buf:open("{")
  for r = 0, rows - 1 do
    buf:line("%s sum%d = %s;", real, r, g.init(offset(i0, r)))
  end
  buf:loop("k", 0, g.depth)
  buf:line("const %s b_k = %s;", real, g.b("k", j0))
  for r = 0, rows - 1 do
    buf:line("sum%d += %s * b_k;", r, g.a(offset(i0, r), "k"))
  end
  buf:close()
  for r = 0, rows - 1 do
    buf:line("acc[%d][0] = sum%d;", r, r)
  end
  buf:close()
end

-- The portable k loop: accumulate in acc[][] (initialized here).
local function plain_tile(buf, plan, g, i, j, rows, cols, acc)
  local real = plan.real
  local function each(body)
    if rows > 1 then buf:open("for (int r = 0; r < %d; ++r) {", rows) end
    if cols > 1 then buf:open("for (int j = 0; j < %d; ++j) {", cols) end
    body()
    if cols > 1 then buf:close() end
    if rows > 1 then buf:close() end
  end
  each(function() buf:line("%s = %s;", acc, g.init(i)) end)
  -- The row of B goes through a local first: besides being the vector the tile reuses, it makes
  -- the k/r nest imperfect, which stops gcc's -floop-interchange (on at -O3) from swapping k and r
  -- and moving the accumulators to memory (reg's forward ran 3x slower with it).
  local column = cols > 1 and "[j]" or "[0]"
  buf:loop("k", 0, g.depth)
  buf:line("%s b_row[%d];", real, cols)
  if cols > 1 then buf:open("for (int j = 0; j < %d; ++j) {", cols) end
  buf:line("b_row%s = %s;", column, g.b("k", j))
  if cols > 1 then buf:close() end
  if rows > 1 then buf:open("for (int r = 0; r < %d; ++r) {", rows) end
  buf:line("const %s a = %s;", real, g.a(i, "k"))
  if cols > 1 then buf:open("for (int j = 0; j < %d; ++j) {", cols) end
  buf:line("%s += a * b_row%s;", acc, column)
  if cols > 1 then buf:close() end
  if rows > 1 then buf:close() end
  buf:close()
end

-- One tile: rows i0 .. i0 + rows - 1 (i0 a C expression), columns j0 .. j0 + cols - 1. A tile as
-- wide as a whole number of vectors also gets the vector paths; all paths leave the sums in acc[][]
-- and share the store loop, where the activation (or its derivative) is applied.
local function gemm_tile(buf, plan, g, i0, rows, j0, cols)
  local real_bytes = plan.dtype == "float" and 4 or 8
  local i = rows == 1 and i0 or (i0 .. " + r")
  local j = cols == 1 and j0 or (j0 .. " + j")
  local acc = string.format("acc%s%s", rows > 1 and "[r]" or "[0]", cols > 1 and "[j]" or "[0]")
  local isas = {}
  for _, isa in ipairs(simd.VECTOR_ISAS) do
    if (cols * real_bytes) % isa.bytes == 0 then
      isas[#isas + 1] = isa
    end
  end
  -- Vector paths store straight from their registers where the store has a vector form: the
  -- round trip through acc[][] and the scalar loop cost mlp's train step 8% (dW1 alone is 100k
  -- reals). Then only the plain path declares acc[][] and runs the store loop.
  local direct = #isas > 0 and g.vector_writes ~= nil
  local writes = {}
  for n, isa in ipairs(isas) do
    writes[n] = direct and g.vector_writes(simd.intrinsic(isa, plan.dtype), isa) or nil
    direct = direct and writes[n] ~= nil
  end
  if not direct then
    buf:line("%s acc[%d][%d];", plan.real, rows, cols)
  end
  for n, isa in ipairs(isas) do
    buf:line("#%s defined(%s)", n > 1 and "elif" or "if", isa.macro)
    vector_tile(buf, plan, g, isa, i0, rows, j0, cols, direct and writes[n] or nil)
  end
  if #isas > 0 then
    buf:line("#else")
  end
  if direct then
    buf:open("{")
    buf:line("%s acc[%d][%d];", plan.real, rows, cols)
  end
  if cols == 1 and rows > 1 then
    plain_column_tile(buf, plan, g, i0, j0, rows)
  else
    plain_tile(buf, plan, g, i, j, rows, cols, acc)
  end
  if not direct and #isas > 0 then
    buf:line("#endif")
  end
  -- The store goes through row pointers: with 2-D indexing clang 14 vectorized this loop across
  -- rows with scattered addresses and ran seed3's forward 3x slower. A row pointer is the row plus
  -- the column, not &X[i][j0]: gcc 12 -O2 took the latter for an access past the row when the
  -- tile ends the row (-Warray-bounds: a conv dW of 56-tap rows, its last 24 columns).
  if rows > 1 then buf:open("for (int r = 0; r < %d; ++r) {", rows) end
  local pointers = {}
  for n, array in ipairs(g.arrays) do
    pointers[array.name] = "row" .. n
    buf:line("%s%s *row%d = %s[%s]%s;", array.read_only and "const " or "", plan.real, n,
      array.name, g.row(i), j0 == "0" and "" or (" + " .. j0))
  end
  if cols > 1 then buf:open("for (int j = 0; j < %d; ++j) {", cols) end
  g.store(buf, function(name) return pointers[name] .. (cols > 1 and "[j]" or "[0]") end, acc)
  if cols > 1 then buf:close() end
  if rows > 1 then buf:close() end
  if direct then
    buf:close()
    buf:line("#endif")
  end
end

-- Tiles over the columns for a fixed set of rows.
local function gemm_columns(buf, plan, g, i0, rows)
  local tile = math.max(1, M.COL_TILE_BYTES // (plan.dtype == "float" and 4 or 8))
  local full = g.cols - g.cols % tile
  if g.cols <= tile then
    gemm_tile(buf, plan, g, i0, rows, "0", g.cols)
    return
  end
  buf:loop("j0", 0, full, tile)
  gemm_tile(buf, plan, g, i0, rows, "j0", tile)
  buf:close()
  if full < g.cols then
    buf:open("{")
    gemm_tile(buf, plan, g, i0, rows, tostring(full), g.cols - full)
    buf:close()
  end
end

-- C[i][j] = init(i) + sum over k < depth of a(i, k) * b(k, j), for i < rows, j < cols, handed
-- to store element by element. b(k, j) must be contiguous in j. The sum runs
-- in order of k, starting from init, like the unrolled code and the reference engine.
--   g = { rows, cols, depth, a = fn(i, k), b = fn(k, j), init = fn(i),
--         arrays = { { name =, read_only = } ... }: the arrays the store touches, each reached
--         through a pointer to the tile's row; store = fn(buf, at, value), at(name) is the element;
--         row = fn(i), optional: the index of C's row i in those arrays (default i itself; a
--         convolution's output position p of filter i is row i * positions + p) }
function M.gemm(buf, plan, g)
  if not g.row then
    g = setmetatable({ row = function(i) return i end }, { __index = g })
  end
  local tile = row_tile(g)
  local full = g.rows - g.rows % tile
  if full > 0 then
    buf:loop("i0", 0, full, tile)
    gemm_columns(buf, plan, g, "i0", tile)
    buf:close()
  end
  if full < g.rows then
    buf:open("{")
    gemm_columns(buf, plan, g, tostring(full), g.rows - full)
    buf:close()
  end
end

return M
