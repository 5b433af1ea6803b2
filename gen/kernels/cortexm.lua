-- Float kernels for Cortex-M4 and M7 with the single-precision FPU, behind GRADC_CORTEXM
-- (gradc_rt.h): the dense layers' products as register-blocked multiply-accumulates, their loads
-- and VMLA.F32s written out as inline assembly so that what runs does not depend on the user's -O
-- level. Plain C left gcc 12 three ways from that: at -O2 and -O3 it splits a * b + c into VMUL
-- and VADD (its cost model for the M4), at -O2 it kept the looped tiles' accumulators on the
-- stack (8 instructions per multiply-add in seed3's inference), and it never loads several floats
-- with one VLDM.
--
-- Rounding: VMLA.F32 is the chained multiply-accumulate, which rounds the product and then the
-- sum, so sum += a * b is the same operation as the plain C path's with contraction off (what
-- GRADC_PORTABLE builds on the host run, and what tests/cross/cross.sh compares bit for bit). Every
-- element is summed from the same start in the same order of k as the plain path, so the results
-- are those bits too; only the order in which independent elements are computed differs.
--
-- Registers: s16-s23 take a chunk of one operand (the input vector, or a row of B) and s24-s31 a
-- chunk of weights, named as clobbers; the accumulators and broadcast elements are operands
-- ("t": any single-precision register), which the compiler places in the rest.
local M = {}

M.MACRO = "GRADC_CORTEXM"

-- One-sample layers: rows per tile (their weight rows are streamed side by side, each through its
-- own pointer, and share one load of the input chunk) and reals per chunk (one VLDM each).
local SAMPLE_ROWS = 4
local CHUNK = 8
local INPUT_REGISTER, WEIGHT_REGISTER = 16, 24
-- Batch products: tiles TILE_COLUMNS wide (or as wide as C is). gcc takes at most ASM_OPERANDS
-- operands per asm statement, an accumulator (read and written) counting twice, and a tile's
-- statement has its rows x columns accumulators, one element of A per row and the row of B: 3 x 4
-- tiles (28 operands), 9 rows for a batch of one.
local TILE_COLUMNS = 4
local ASM_OPERANDS = 30

-- Whether the build's real type has these kernels (the M4's FPU has no double precision).
function M.applies(plan)
  return plan.dtype == "float"
end

-- "i0 + 3", or "63" when i0 is a number.
local function offset(base, delta)
  local number = tonumber(base)
  if number then
    return tostring(number + delta)
  end
  return delta == 0 and base or (base .. " + " .. delta)
end

local function register_list(first, count)
  if count == 1 then
    return string.format("{s%d}", first)
  end
  return string.format("{s%d-s%d}", first, first + count - 1)
end

local function clobbers(list, first, count)
  for n = first, first + count - 1 do
    list[#list + 1] = string.format("\"s%d\"", n)
  end
  return list
end

-- One __asm__ statement: its instructions two to a line, then the outputs, inputs and clobbers,
-- each continuation line under the first string.
local function asm_statement(buf, instructions, outputs, inputs, clobbered)
  local indent = "\n" .. string.rep("    ", buf.depth) .. string.rep(" ", #"__asm__(")
  local lines = {}
  for i = 1, #instructions, 2 do
    local pair = { string.format("\"%s\\n\\t\"", instructions[i]) }
    if instructions[i + 1] then
      pair[2] = string.format("\"%s\\n\\t\"", instructions[i + 1])
    end
    lines[#lines + 1] = table.concat(pair, " ")
  end
  local function operands(list)
    local wrapped, line = {}, nil
    for _, operand in ipairs(list) do
      if line and #line + #operand > 90 then
        wrapped[#wrapped + 1] = line .. ","
        line = nil
      end
      line = line and (line .. ", " .. operand) or operand
    end
    wrapped[#wrapped + 1] = line
    return table.concat(wrapped, indent .. "  ")
  end
  lines[#lines + 1] = ": " .. operands(outputs)
  lines[#lines + 1] = #inputs > 0 and (": " .. operands(inputs)) or ":"
  lines[#lines + 1] = ": " .. operands(clobbered)
  buf:line("__asm__(%s);", table.concat(lines, indent))
end

-- A loop over var from first to limit by step, or the body once in a block (or straight in the
-- enclosing one, when `bare`) where it runs once; nothing where it never runs. body(value) gets
-- the variable's C expression.
local function over(buf, var, first, limit, step, bare, body)
  local trips = (limit - first + step - 1) // step
  if trips <= 0 then
    return
  elseif trips == 1 then
    if not bare then buf:open("{") end
    body(tostring(first))
    if not bare then buf:close() end
    return
  end
  buf:open("for (int %s = %d; %s < %d; %s += %d) {", var, first, var, limit, var, step)
  body(var)
  buf:close()
end

---------------------------------------------------------------------------------------------------
-- One sample: y[i] = init(i) + sum over k of W[i][k] x[k], each row of W contiguous in k.

-- The chunk of `count` reals at k: one VLDM of the input into s16.., then per row one VLDM of its
-- weights into s24.. and `count` VMLA.F32s in order of k; the pointers move on by the chunk.
local function sample_chunk(buf, rows, count)
  local instructions = { string.format("vldmia %%[input]!, %s", register_list(INPUT_REGISTER, count)) }
  local outputs = {}
  for r = 0, rows - 1 do
    instructions[#instructions + 1] = string.format("vldmia %%[w%d]!, %s", r,
      register_list(WEIGHT_REGISTER, count))
    for k = 0, count - 1 do
      instructions[#instructions + 1] = string.format("vmla.f32 %%[sum%d], s%d, s%d", r,
        WEIGHT_REGISTER + k, INPUT_REGISTER + k)
    end
    outputs[#outputs + 1] = string.format("[sum%d] \"+t\" (sum%d)", r, r)
  end
  outputs[#outputs + 1] = "[input] \"+r\" (input)"
  for r = 0, rows - 1 do
    outputs[#outputs + 1] = string.format("[w%d] \"+r\" (weights%d)", r, r)
  end
  local clobbered = clobbers(clobbers({}, INPUT_REGISTER, count), WEIGHT_REGISTER, count)
  clobbered[#clobbered + 1] = "\"memory\""
  asm_statement(buf, instructions, outputs, {}, clobbered)
end

local function sample_tile(buf, plan, d, i0, rows)
  buf:line("const %s *input = %s;", plan.real, d.input)
  local pointers = {}
  for r = 0, rows - 1 do
    pointers[#pointers + 1] = string.format("*weights%d = %s", r, d.weights(offset(i0, r)))
  end
  buf:line("const %s %s;", plan.real, table.concat(pointers, ", "))
  local sums = {}
  for r = 0, rows - 1 do
    sums[#sums + 1] = string.format("sum%d = %s", r, d.init(offset(i0, r)))
  end
  buf:line("%s %s;", plan.real, table.concat(sums, ", "))
  local whole = d.depth - d.depth % CHUNK
  over(buf, "k", 0, whole, CHUNK, true, function() sample_chunk(buf, rows, CHUNK) end)
  if whole < d.depth then
    sample_chunk(buf, rows, d.depth - whole)
  end
  for r = 0, rows - 1 do
    d.store(buf, offset(i0, r), "sum" .. r)
  end
end

-- d = { rows, depth, input = C pointer to x[0], weights = fn(i): C pointer to W[i][0],
--       init = fn(i), store = fn(buf, i, value) }
function M.one_sample(buf, plan, d)
  local rows = math.min(SAMPLE_ROWS, d.rows)
  local whole = d.rows - d.rows % rows
  over(buf, "i0", 0, whole, rows, false, function(i0) sample_tile(buf, plan, d, i0, rows) end)
  if whole < d.rows then
    buf:open("{")
    sample_tile(buf, plan, d, tostring(whole), d.rows - whole)
    buf:close()
  end
end

---------------------------------------------------------------------------------------------------
-- Batch products C = init + A B (the interface of kernels.gemm): per k, one VLDM of the tile's
-- stretch of row k of B, the tile's elements of column k of A as operands, and one VMLA.F32 per
-- accumulator.

local function product_tile(buf, plan, g, i0, rows, j0, cols)
  for r = 0, rows - 1 do
    local sums = { string.format("sum%d_0 = %s", r, g.init(offset(i0, r))) }
    for j = 1, cols - 1 do
      sums[#sums + 1] = string.format("sum%d_%d = sum%d_0", r, j, r)
    end
    buf:line("%s %s;", plan.real, table.concat(sums, ", "))
  end
  buf:loop("k", 0, g.depth)
  local instructions = { string.format("vldmia %%[b_row], %s", register_list(INPUT_REGISTER, cols)) }
  local outputs, inputs = {}, { string.format("[b_row] \"r\" (&%s)", g.b("k", j0)) }
  for r = 0, rows - 1 do
    for j = 0, cols - 1 do
      instructions[#instructions + 1] = string.format("vmla.f32 %%[sum%d_%d], %%[a%d], s%d", r, j, r,
        INPUT_REGISTER + j)
      outputs[#outputs + 1] = string.format("[sum%d_%d] \"+t\" (sum%d_%d)", r, j, r, j)
    end
    inputs[#inputs + 1] = string.format("[a%d] \"t\" (%s)", r, g.a(offset(i0, r), "k"))
  end
  local clobbered = clobbers({}, INPUT_REGISTER, cols)
  clobbered[#clobbered + 1] = "\"memory\""
  asm_statement(buf, instructions, outputs, inputs, clobbered)
  buf:close()
  -- straight to the elements: on these cores no store is vectorized, so kernels.gemm's row
  -- pointers (against clang's scattered vector stores) would only be noise
  for r = 0, rows - 1 do
    for j = 0, cols - 1 do
      g.store(buf, function(name) return string.format("%s[%s][%s]", name, g.row(offset(i0, r)), offset(j0, j)) end,
        string.format("sum%d_%d", r, j))
    end
  end
end

-- Columns first .. limit in tiles `cols` wide, rows in tiles as tall as the accumulators allow.
local function product_columns(buf, plan, g, first, limit, cols)
  local rows = math.min(g.rows, (ASM_OPERANDS - 1) // (2 * cols + 1))
  local whole = g.rows - g.rows % rows
  over(buf, "i0", 0, whole, rows, false, function(i0)
    over(buf, "j0", first, limit, cols, true, function(j0) product_tile(buf, plan, g, i0, rows, j0, cols) end)
  end)
  if whole < g.rows then
    over(buf, "j0", first, limit, cols, false, function(j0)
      product_tile(buf, plan, g, tostring(whole), g.rows - whole, j0, cols)
    end)
  end
end

-- The same contract as kernels.gemm.gemm (g.b(k, j) contiguous in j).
function M.gemm(buf, plan, g)
  if not g.row then
    g = setmetatable({ row = function(i) return i end }, { __index = g })
  end
  local cols = math.min(TILE_COLUMNS, g.cols)
  local whole = g.cols - g.cols % cols
  product_columns(buf, plan, g, 0, whole, cols)
  if whole < g.cols then
    product_columns(buf, plan, g, whole, g.cols, g.cols - whole)
  end
end

-- A tiled product for every target: this kernel behind GRADC_CORTEXM where the real type has it,
-- `portable` (kernels.gemm.gemm, with its vector paths) otherwise.
function M.product(buf, plan, portable, g)
  if not M.applies(plan) then
    portable(buf, plan, g)
    return
  end
  buf:line("#if defined(%s)", M.MACRO)
  M.gemm(buf, plan, g)
  buf:line("#else")
  portable(buf, plan, g)
  buf:line("#endif")
end

return M
