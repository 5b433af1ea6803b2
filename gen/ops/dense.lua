-- The dense layer Z = W A_prev + b: its forward pass, the gradients of its parameters, and the
-- propagation of dZ to the layer below. Each comes in two shapes: `full` (one statement per output
-- element, every index a constant) and `loops` (constant-bound loops over the contiguous batch
-- dimension in the innermost position, so the compiler can vectorize them).
--
-- `v` names the arrays as C expressions: v.W, v.b, v.Z, v.A, v.A_prev, v.dZ, v.dZ_next, v.W_next,
-- v.dW, v.db; all 2-D arrays are indexed [unit][sample].
local activations = require("ops.activations")
local emit = require("emit")
local shape = require("ops.shape")

local M = {}

M.FIELDS = { "type", "units", "activation", "alpha" }

-- A dense layer's fields; a spatial input is flattened in feature order.
function M.validate(ck, raw, ctx)
  local path = ctx.path
  ck:known_fields(raw, path, M.FIELDS)
  local units = ck:integer(ck:required(raw, "units", path .. ".units"), path .. ".units", 1,
    ctx.max_units)
  local activation, alpha = activations.validate(ck, raw, path, true, ctx)
  local n_in = shape.features(ctx.in_shape)
  return { kind = "dense", units = units, activation = activation, alpha = alpha,
    in_shape = ctx.in_shape, out_shape = shape.flat(units), params = units * n_in + units }
end

local TERMS_PER_LINE = 3

-- "lhs = t1 + t2 + ...;" (or another `assign`ment operator) wrapped a few terms per line so
-- unrolled code stays readable; each continuation line's "+ " stands just before the column of the
-- first term, so the terms line up.
local function sum_statement(buf, lhs, terms, wrap, assign)
  local head = lhs .. " " .. (assign or "=") .. " "
  wrap = wrap or function(sum) return sum end
  if #terms <= TERMS_PER_LINE then
    buf:line("%s%s;", head, wrap(table.concat(terms, " + ")))
    return
  end
  local chunks = {}
  for i = 1, #terms, TERMS_PER_LINE do
    chunks[#chunks + 1] = table.concat(terms, " + ", i, math.min(i + TERMS_PER_LINE - 1, #terms))
  end
  local first_term = #head + wrap("\0"):find("\0", 1, true) - 1
  local continuation = "\n" .. string.rep("    ", buf.depth) .. string.rep(" ", first_term - 2) .. "+ "
  buf:line("%s%s;", head, wrap(table.concat(chunks, continuation)))
end

-- "lhs = start; lhs = FMA(x1, y1, lhs); ...": a sum of products as a chain of multiply-adds, one per
-- line, in the order written (the runtime's GRADC_FMA(F) fuses them where the target can: these
-- chains are the latency of a small network). `start` is a first term, or nil to begin with
-- x1 * y1; `wrap`, if given, makes a last statement `lhs = wrap(lhs)`.
local function muladd_statements(buf, plan, lhs, start, products, wrap)
  local fma = plan.dtype == "float" and "GRADC_FMAF" or "GRADC_FMA"
  local first = 1
  if not start and #products == 1 and wrap then
    buf:line("%s = %s;", lhs, wrap(string.format("%s * %s", products[1][1], products[1][2])))
    return
  end
  if not start then
    start, first = string.format("%s * %s", products[1][1], products[1][2]), 2
  end
  buf:line("%s = %s;", lhs, start)
  for i = first, #products do
    buf:line("%s = %s(%s, %s, %s);", lhs, fma, products[i][1], products[i][2], lhs)
  end
  if wrap then
    buf:line("%s = %s;", lhs, wrap(lhs))
  end
end

-- The forward sums stay plain expressions: gcc vectorizes the statements of a whole layer together
-- (one 16-wide product for xor's first layer), which it does not do for chains of fmaf; xor's
-- forward ran in 45 ns so against 53 ns as multiply-add chains.
local function forward_full(buf, layer, v, batch)
  for r = 0, layer.n_out - 1 do
    for j = 0, batch - 1 do
      local terms = { string.format("%s[%d]", v.b, r) }
      for k = 0, layer.n_in - 1 do
        terms[#terms + 1] = string.format("%s[%d][%d] * %s[%d][%d]", v.W, r, k, v.A_prev, k, j)
      end
      sum_statement(buf, string.format("%s[%d][%d]", v.Z, r, j), terms)
    end
  end
end

-- Register tiles: ROW_TILE rows of C by COL_TILE_BYTES of columns are accumulated in a local array
-- the compiler keeps in vector registers (6 x 32 floats = 12 AVX-512 registers), so every B row
-- loaded from memory feeds ROW_TILE multiply-adds and nothing is stored until the tile is done.
-- Measured on Zen 5 for a 128 x 784 x 32 product: 118 GF/s (gcc 12) and 109 GF/s (clang 14) with
-- -O3 -march=native, against 57 for the rank-1-update loops; 8-row tiles ran at 2.7 GF/s in clang.
M.ROW_TILE = 6
M.COL_TILE_BYTES = 128

-- The vector instruction sets a full-width tile is also emitted for, each behind its macro from
-- gradc_rt.h: rows per register tile (accumulators = rows x vectors per tile row, within the
-- register file: 12 of 32 zmm, 12 of 16 ymm), and the intrinsics' spelling per dtype.
M.VECTOR_ISAS = {
  {
    macro = "GRADC_AVX512", bytes = 64, rows = 6,
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

-- "i0 + 3", or "63" when i0 is a number.
local function offset(base, delta)
  local number = tonumber(base)
  if number then
    return tostring(number + delta)
  end
  return delta == 0 and base or (base .. " + " .. delta)
end

-- "_mm512_max_ps" and the like: op("cmp", "mask") is "_mm512_cmp_ps_mask".
local function intrinsic(isa, dtype)
  return function(name, tail)
    return isa.prefix .. "_" .. name .. "_" .. isa[dtype].suffix .. (tail and ("_" .. tail) or "")
  end
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
  local op = intrinsic(isa, plan.dtype)
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
            return string.format("&%s[%s][%s]", name, offset(i0, first + r), offset(j0, v * lanes))
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
  for _, isa in ipairs(M.VECTOR_ISAS) do
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
    writes[n] = direct and g.vector_writes(intrinsic(isa, plan.dtype), isa) or nil
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
  plain_tile(buf, plan, g, i, j, rows, cols, acc)
  if not direct and #isas > 0 then
    buf:line("#endif")
  end
  -- The store goes through row pointers: with 2-D indexing clang 14 vectorized this loop across
  -- rows with scattered addresses and ran seed3's forward 3x slower.
  if rows > 1 then buf:open("for (int r = 0; r < %d; ++r) {", rows) end
  local pointers = {}
  for n, array in ipairs(g.arrays) do
    pointers[array.name] = "row" .. n
    buf:line("%s%s *row%d = &%s[%s][%s];", array.read_only and "const " or "", plan.real, n,
      array.name, i, j0)
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
--         through a pointer to the tile's row; store = fn(buf, at, value), at(name) is the element }
function M.gemm(buf, plan, g)
  local full = g.rows - g.rows % M.ROW_TILE
  if full > 0 then
    buf:loop("i0", 0, full, M.ROW_TILE)
    gemm_columns(buf, plan, g, "i0", M.ROW_TILE)
    buf:close()
  end
  if full < g.rows then
    buf:open("{")
    gemm_columns(buf, plan, g, tostring(full), g.rows - full)
    buf:close()
  end
end

-- What a forward tile stores per element: Z as it is and A = g(Z), or one of them when Z and A
-- are the same array (in place) or A comes later (softmax needs whole columns).
local function forward_writes(plan, layer, v)
  local function as_is(value) return value end
  local function activated(value) return activations.forward(plan, layer, value) end
  local elementwise = layer.has_A and layer.activation ~= "softmax"
  if v.Z == v.A then
    return { { name = v.A, value = elementwise and activated or as_is } }
  elseif not elementwise then
    return { { name = v.Z, value = as_is } }
  end
  return { { name = v.Z, value = as_is }, { name = v.A, value = activated } }
end

-- Forward in loops: Z = W A_prev + b as one tiled product, with the activation applied as each
-- tile is stored (softmax, which needs whole columns, runs after).
local function forward_loops(buf, plan, layer, v, batch)
  M.gemm(buf, plan, {
    rows = layer.n_out, cols = batch, depth = layer.n_in,
    a = function(i, k) return string.format("%s[%s][%s]", v.W, i, k) end,
    b = function(k, j) return string.format("%s[%s][%s]", v.A_prev, k, j) end,
    init = function(i) return string.format("%s[%s]", v.b, i) end,
    arrays = forward_writes(plan, layer, v),
    store = function(out, at, value)
      for _, write in ipairs(forward_writes(plan, layer, v)) do
        out:line("%s = %s;", at(write.name), write.value(value))
      end
    end,
    vector_writes = function(op)
      local writes = {}
      for _, write in ipairs(forward_writes(plan, layer, v)) do
        local activated = write.name == v.A and layer.has_A and layer.activation ~= "softmax"
        if activated and not activations.has_vector_form(layer) then
          return nil
        end
        writes[#writes + 1] = { name = write.name, value = function(sum)
          return activated and activations.vector_forward(layer, op, sum) or sum
        end }
      end
      return writes
    end,
  })
end

-- Activation of every element of a fully unrolled layer (softmax: its column loops).
local function activate_full(buf, plan, layer, v, batch)
  if layer.activation == "softmax" then
    activations.softmax(buf, plan, layer, v.Z, v.A, batch)
    return
  end
  if not layer.has_A then
    return
  end
  -- a loop even here: the statements it replaces did not vectorize, the loop does
  buf:loop("r", 0, layer.n_out)
  buf:loop("j", 0, batch)
  buf:line("%s[r][j] = %s;", v.A, activations.forward(plan, layer, v.Z .. "[r][j]"))
  buf:close()
  buf:close()
end

function M.forward(buf, plan, layer, v, batch, mode)
  if mode == "full" then
    forward_full(buf, layer, v, batch)
    activate_full(buf, plan, layer, v, batch)
  else
    forward_loops(buf, plan, layer, v, batch)
    if layer.activation == "softmax" then
      activations.softmax(buf, plan, layer, v.Z, v.A, batch)
    end
  end
end

-- dW = dZ A_prev^T and db = row sums of dZ (the 1/m is already inside dZ).
--
-- With v.lr (a C literal), the step's SGD update instead: v.dW and v.db then name the parameters,
-- and each gradient element is applied as it is computed (W -= lr dW), never stored. train_step
-- does this for sgd: the separate pass over the parameters and their gradients took 5% of mlp's
-- train step.
function M.parameter_gradients(buf, plan, layer, v, batch, mode)
  local lr = v.lr
  if mode == "full" then
    for r = 0, layer.n_out - 1 do
      for k = 0, layer.n_in - 1 do
        local products = {}
        for j = 0, batch - 1 do
          products[#products + 1] = {
            string.format("%s[%d][%d]", v.dZ, r, j), string.format("%s[%d][%d]", v.A_prev, k, j) }
        end
        local target = string.format("%s[%d][%d]", v.dW, r, k)
        if lr then
          buf:open("{")
          buf:line("%s gradient;", plan.real)
          muladd_statements(buf, plan, "gradient", nil, products)
          buf:line("%s -= %s * gradient;", target, lr)
          buf:close()
        else
          muladd_statements(buf, plan, target, nil, products)
        end
      end
      local terms = {}
      for j = 0, batch - 1 do
        terms[#terms + 1] = string.format("%s[%d][%d]", v.dZ, r, j)
      end
      if lr then
        sum_statement(buf, string.format("%s[%d]", v.db, r), terms, function(sum)
          return lr .. " * (" .. sum .. ")"
        end, "-=")
      else
        sum_statement(buf, string.format("%s[%d]", v.db, r), terms)
      end
    end
    return
  end
  -- dW = dZ A_prev^T: a tiled product against A_prev transposed (v.A_prevT, batch x n_in), so the
  -- reduction over the batch becomes independent multiply-adds over contiguous rows.
  M.transpose(buf, plan, v.A_prev, v.A_prevT, layer.n_in, batch)
  local zero = emit.literal(0, plan.dtype)
  M.gemm(buf, plan, {
    rows = layer.n_out, cols = layer.n_in, depth = batch,
    a = function(i, k) return string.format("%s[%s][%s]", v.dZ, i, k) end,
    b = function(k, j) return string.format("%s[%s][%s]", v.A_prevT, k, j) end,
    init = function() return zero end,
    arrays = { { name = v.dW } },
    store = function(out, at, value)
      if lr then
        out:line("%s -= %s * %s;", at(v.dW), lr, value)
      else
        out:line("%s = %s;", at(v.dW), value)
      end
    end,
    vector_writes = function(op)
      return { { name = v.dW, value = function(sum, load)
        if lr then -- W - lr dW, fused
          return string.format("%s(%s(%s), %s, %s)", op("fnmadd"), op("set1"), lr, sum, load(v.dW))
        end
        return sum
      end } }
    end,
  })
  M.row_sums(buf, plan, v.dZ, v.db, layer.n_out, batch, lr)
end

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

function M.row_sums(buf, plan, source, target, rows, cols, lr)
  local zero = emit.literal(0, plan.dtype)
  buf:loop("r", 0, rows)
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

-- dZ of `layer` from the layer above it: dZ = (W_next^T dZ_next) * g'(Z).
-- `next_layer` gives the shape of W_next (n_out x layer.n_out) and the unroll mode.
function M.propagate(buf, plan, layer, next_layer, v, batch)
  if next_layer.unroll == "full" then
    for k = 0, layer.n_out - 1 do
      for j = 0, batch - 1 do
        local products = {}
        for r = 0, next_layer.n_out - 1 do
          products[#products + 1] = {
            string.format("%s[%d][%d]", v.W_next, r, k), string.format("%s[%d][%d]", v.dZ_next, r, j) }
        end
        local z = string.format("%s[%d][%d]", v.Z, k, j)
        local a = string.format("%s[%d][%d]", v.A, k, j)
        local wrap = layer.activation ~= "linear" and function(sum)
          return activations.backward(plan, layer, sum, z, a)
        end or nil
        muladd_statements(buf, plan, string.format("%s[%d][%d]", v.dZ, k, j), nil, products, wrap)
      end
    end
    return
  end
  -- the one cached value the derivative reads: Z at the kinks, A for sigmoid and tanh
  local reads = activations.backward_reads(layer)
  local read = (reads == "Z" and v.Z) or (reads == "A" and v.A) or nil
  M.gemm(buf, plan, {
    rows = layer.n_out, cols = batch, depth = next_layer.n_out,
    a = function(i, k) return string.format("%s[%s][%s]", v.W_next, k, i) end,
    b = function(k, j) return string.format("%s[%s][%s]", v.dZ_next, k, j) end,
    init = function() return emit.literal(0, plan.dtype) end,
    arrays = { { name = v.dZ }, read and { name = read, read_only = true } or nil },
    store = function(out, at, value)
      local element = read and at(read)
      out:line("%s = %s;", at(v.dZ), activations.backward(plan, layer, value, element, element))
    end,
    vector_writes = function(op, isa)
      if not activations.has_vector_form(layer) then
        return nil
      end
      local function keep_positive(z, delta) return isa.keep_positive(op, z, delta) end
      return { { name = v.dZ, value = function(sum, load)
        return activations.vector_backward(layer, sum, read and load(read), keep_positive)
      end } }
    end,
  })
end

return M
