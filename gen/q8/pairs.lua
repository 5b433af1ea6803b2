-- The ARMv7E-M DSP kernel of the int8 dense layers (little-endian, gcc or clang:
-- `<NAME>_Q8_PAIRS`): three instructions per four weights of a row where the SXTB16 kernel of
-- gen/q8/rows.lua takes four, and the requantization in six per output, both inline assembly (so
-- what runs does not depend on the -O level), all of a layer's constants streamed through one
-- pointer in the order the kernel reads them.
--
-- The weights. Each word holds the four int8 weights w0..w3 of a row (columns c .. c + 3) as two
-- int16 lanes h0 = w0 + 256 w1 and h1 = w2 + 256 w3 (a lane whose low weight is negative borrows
-- one from the high byte: the bytes are not the int8 weights, but there are as many, one each;
-- |w| <= 127 keeps every lane inside int16). SXTB16 of the word is (w0, w2), its low bytes. The
-- layer's input is expanded once into two int16 pair words per four columns,
--   P = (x1 - 127, x3 - 127)  and  Q = (256 x0 - P.lo, 256 x2 - P.hi),
-- both inside int16 for every int8 x (127 is the one offset that keeps Q there), and
--   SMLAD(word, P) + SMLAD(SXTB16(word), Q) = 256 (w0 x0 + w1 (x1 - 127) + w2 x2 + w3 (x3 - 127))
-- (the cross terms w0 P.lo and w2 P.hi cancel). So the accumulator ends at 256 acc, acc the int32
-- of the other paths, when it starts at 256 (B + 127 sum of the odd columns' weights). SMLAD's
-- additions wrap modulo 2^32, so partial sums may leave int32; the final value may not:
-- |B| + 128 sum |w| < 2^23 for every row of a layer this kernel takes.
--
-- A layer of four-row blocks whose output is the next such layer's input writes that layer's
-- pair words straight from its registers (block_store), so only the first is expanded.
--
-- The requantization (TFLite's, every channel shifting right by n >= 1, so the short form of
-- activations.q8_short_requantize): h = SRDHM(acc, M) = (2 acc M + 2^31) >> 32 is SMMLAR of
-- 2 acc, and RDBP(h, n) + z = (h + C - [h < 0]) >> n with C = 2^(n-1) + z 2^n (ties away from
-- zero: the - 1 moves a negative tie below the half). [h < 0] may be [acc < 0]: they differ only
-- where h = 0, and (C - 1) >> n = C >> n = z there. SMMLAR adds C - [acc < 0] for free, so per
-- output: the sign into C, 2 acc (acc >> 7), SMMLAR, >> n, SSAT to int8, store. n is in the
-- accumulator itself: 256 acc has a zero low byte, so the start value carries n there (n < 128
-- changes neither acc >> 7 nor the sign), and ASR by a register uses only its low byte.
local activations = require("ops.activations")

local M = {}

M.ROWS = 4
M.LIMIT = 1 << 23
-- the x offset of the odd columns, folded into the start value
M.ODD_OFFSET = 127

-- How a channel's int8 result is finished after SSAT: "ssat" (clamped to [-128, 127]: linear, a
-- softmax's Zq, relu from -128), "low" (relu from a higher zero point), "table" (an activation
-- table of the clamped Zq).
local function finish(ql)
  if ql.table then
    return "table"
  end
  if ql.activation == "relu" and ql.pre.zero_point > -128 then
    return "low"
  end
  return "ssat"
end

-- Whether a layer's rows fit the kernel: every channel on the short requantization, its
-- accumulators and rounding constants bounded. `folded` is the layer's folded bias
-- (gen/q8/code.lua). Dense and conv layers (gen/ops/conv.lua) share it.
function M.takes(ql, folded)
  if not activations.q8_short_requantize(ql) then
    return false
  end
  local z = ql.pre.zero_point
  for c, w in ipairs(ql.weights) do
    local reach = math.abs(folded[c])
    for _, v in ipairs(w) do
      reach = reach + 128 * math.abs(v)
    end
    local n = -ql.shift[c]
    -- h + C - 1 within int32 (|h| <= |acc| < 2^23), n in the start value's low byte
    if reach >= M.LIMIT or n < 1 or n > 23 or math.abs((1 << (n - 1)) + z * (1 << n)) + M.LIMIT >= 1 << 31 then
      return false
    end
  end
  return true
end

-- Whether a dense layer takes this kernel: four columns per word, and the rows fit.
function M.applies(ql, folded)
  local layer = ql.layer
  if layer.kind ~= "dense" or layer.n_in % 4 ~= 0 or layer.n_in < 4 then
    return false
  end
  return M.takes(ql, folded)
end

-- An integer reduced to int32 as two's complement (the start values wrap like SMLAD's sums).
local function wrap32(value)
  value = value & 0xFFFFFFFF
  return value >= 0x80000000 and value - 0x100000000 or value
end

-- The layer's stream of int32 words in the kernel's order: per block of up to four rows, the
-- rows' start values 256 (B + 127 sum of odd weights) + n, then per four columns one weight word
-- per row, then per row its multiplier M and rounding constant C. `columns` (a conv's order of
-- its taps, gen/ops/conv.lua) lists the weight read at each column, 0 for a zero weight that pads
-- the row to whole words; a dense layer's are 1 .. n_in.
function M.stream(ql, folded, columns)
  local n_out = #ql.weights
  if not columns then
    columns = {}
    for c = 1, #ql.weights[1] do
      columns[c] = c
    end
  end
  assert(#columns % 4 == 0, "pair kernel columns not in whole words")
  local z = ql.pre.zero_point
  local words = {}
  local function put(value)
    words[#words + 1] = wrap32(value)
  end
  local function weight(w, c)
    local column = columns[c]
    return column == 0 and 0 or w[column]
  end
  for first = 1, n_out, M.ROWS do
    local last = math.min(first + M.ROWS - 1, n_out)
    for r = first, last do
      local odd = 0
      for c = 2, #columns, 2 do
        odd = odd + weight(ql.weights[r], c)
      end
      put(256 * (folded[r] + M.ODD_OFFSET * odd) - ql.shift[r])
    end
    for c = 1, #columns, 4 do
      for r = first, last do
        local w = ql.weights[r]
        local low = (weight(w, c) + 256 * weight(w, c + 1)) & 0xFFFF
        local high = (weight(w, c + 2) + 256 * weight(w, c + 3)) & 0xFFFF
        put(low | (high << 16))
      end
    end
    for r = first, last do
      local n = -ql.shift[r]
      put(ql.multiplier[r])
      put((1 << (n - 1)) + z * (1 << n))
    end
  end
  return words
end

-- The pair words P and Q of `xv`, one word of four int8 x0 .. x3 (little-endian), stored to
-- array[index] and array[index + 1] (`index` a C expression).
function M.expand_word(buf, helpers, xv, array, index)
  buf:line("const int32_t p = __ssub16(%s(%s), 0x007F007F);", helpers.sxtb16_ror8(), xv)
  buf:line("const int32_t even = (int32_t)(((uint32_t)%s << 8) & 0xFF00FF00u); /* (256 x0, 256 x2) */", xv)
  buf:line("%s[%s] = p;", array, index)
  buf:line("%s[%s + 1] = __ssub16(even, p);", array, index)
end

-- The pair words of four int8 that are all z (a conv's padding), as the kernel reads them.
function M.constant_words(z)
  local p = (z - M.ODD_OFFSET) & 0xFFFF
  local q = (256 * z - (z - M.ODD_OFFSET)) & 0xFFFF
  return wrap32(p | (p << 16)), wrap32(q | (q << 16))
end

-- The layer's input `x` (n int8) expanded into `pairs` (n / 2 int32: P, Q per four columns).
function M.expand(buf, helpers, x, n, pairs)
  buf:line("int32_t %s[%d];", pairs, n // 2)
  buf:loop("k", 0, n // 4)
  buf:line("int32_t xv;")
  buf:line("memcpy(&xv, &%s[4 * k], 4);", x)
  M.expand_word(buf, helpers, "xv", pairs, "2 * k")
  buf:close()
end

-- The registers a block's weight words, multipliers and rounding constants are loaded into (one
-- LDM needs them fixed and ascending; r7, the Thumb frame pointer, is not among them).
local FIXED = { "r8", "r9", "r10", "r11" }
-- Four-column steps per pass of the assembly loop, and the most a block writes out without one
-- (each step is 14 instructions, 52 bytes of code: the loop's compare and branch cost 2 per pass).
local UNROLL = 4
local STRAIGHT = 8
-- the characters of one statement's instructions (each line's newline and tab included)
local ASM_LITERAL_LIMIT = 4000

local function range(count)
  return count == 1 and "{r8}" or string.format("{r8-%s}", FIXED[count])
end

-- One four-column step of `rows` rows: the pair words (LDRD), the rows' weight words (one LDM),
-- then per row SMLAD of the word with P, SXTB16 of it in place and SMLAD with Q.
local function step(instructions, rows)
  instructions[#instructions + 1] = "ldrd %[p], %[q], [%[x]], #8"
  instructions[#instructions + 1] = string.format("ldmia %%[w]!, %s", range(rows))
  for j = 0, rows - 1 do
    local reg = FIXED[j + 1]
    instructions[#instructions + 1] = string.format("smlad %%[acc%d], %s, %%[p], %%[acc%d]", j, reg, j)
    instructions[#instructions + 1] = string.format("sxtb16 %s, %s", reg, reg)
    instructions[#instructions + 1] = string.format("smlad %%[acc%d], %s, %%[q], %%[acc%d]", j, reg, j)
  end
end

-- One __asm__ statement, one instruction a line under the first (`volatile`: it stores, and its
-- outputs may go unread).
local function asm_statement(buf, instructions, outputs, inputs, clobbered, volatile)
  local head = volatile and "__asm__ __volatile__(" or "__asm__("
  local indent = "\n" .. string.rep("    ", buf.depth) .. string.rep(" ", #head)
  local lines = {}
  for _, instruction in ipairs(instructions) do
    lines[#lines + 1] = string.format("\"%s\\n\\t\"", instruction)
  end
  lines[#lines + 1] = ": " .. table.concat(outputs, ", ")
  lines[#lines + 1] = ": " .. table.concat(inputs, ", ")
  lines[#lines + 1] = ": " .. table.concat(clobbered, ", ")
  buf:line("%s%s);", head, table.concat(lines, indent))
end

local function accumulators(rows)
  local list = {}
  for j = 0, rows - 1 do
    list[#list + 1] = string.format("[acc%d] \"+r\"(acc%d)", j, j)
  end
  return list
end

local function clobbers(count)
  local list = {}
  for j = 1, count do
    list[j] = string.format("\"%s\"", FIXED[j])
  end
  list[#list + 1] = "\"cc\""
  list[#list + 1] = "\"memory\""
  return list
end

-- The block's column loop over the runs of pair words it reads (`runs`: { steps, jump }, each
-- run `steps` contiguous four-column steps, then `jump` bytes skipped to the next; a dense layer
-- reads one run): UNROLL steps per pass (one LDM of weights each), the rest after it; a run of
-- up to STRAIGHT steps (or `straight`) written out without a loop. `x` is the first pair word's C
-- expression.
local function block_sums(buf, rows, runs, x, straight)
  -- the instructions in pieces that one statement must hold whole (a step, a loop, a jump), each
  -- with whether it uses the end register (a loop of a run among several)
  local pieces = {}
  local inputs = {}
  for _, run in ipairs(runs) do
    local passes = run.steps > (straight or STRAIGHT) and run.steps // UNROLL or 0
    if passes > 0 then
      local loop = {}
      if #runs == 1 then
        inputs[1] = string.format("[end] \"r\"(%s + %d)", x, 2 * UNROLL * passes)
      else
        loop[1] = string.format("add %%[end], %%[x], #%d", 8 * UNROLL * passes)
      end
      loop[#loop + 1] = "1:"
      for _ = 1, UNROLL do
        step(loop, rows)
      end
      loop[#loop + 1] = "cmp %[x], %[end]"
      loop[#loop + 1] = "bne 1b"
      pieces[#pieces + 1] = { instructions = loop, ends = #runs > 1 }
    end
    for _ = passes * UNROLL + 1, run.steps do
      local one = {}
      step(one, rows)
      pieces[#pieces + 1] = { instructions = one }
    end
    if run.jump and run.jump > 0 then
      pieces[#pieces + 1] = { instructions = { string.format("add %%[x], %%[x], #%d", run.jump) } }
    end
  end
  -- then into statements whose string literal stays within the 4095 characters C99 promises
  -- (clang's -Woverlength-strings)
  local statements, length = { { instructions = {} } }, 0
  for _, piece in ipairs(pieces) do
    local piece_length = 0
    for _, instruction in ipairs(piece.instructions) do
      piece_length = piece_length + #instruction + 2
    end
    if length > 0 and length + piece_length > ASM_LITERAL_LIMIT then
      statements[#statements + 1] = { instructions = {} }
      length = 0
    end
    local statement = statements[#statements]
    for _, instruction in ipairs(piece.instructions) do
      statement.instructions[#statement.instructions + 1] = instruction
    end
    statement.ends = statement.ends or piece.ends
    length = length + piece_length
  end
  local ends = false
  for _, statement in ipairs(statements) do
    ends = ends or statement.ends
  end
  buf:line("const int32_t *x = %s;", x)
  buf:line(ends and "int32_t p, q, end;" or "int32_t p, q;")
  for _, statement in ipairs(statements) do
    local outputs = accumulators(rows)
    outputs[#outputs + 1] = "[w] \"+r\"(w)"
    outputs[#outputs + 1] = "[x] \"+r\"(x)"
    outputs[#outputs + 1] = "[p] \"=&r\"(p)"
    outputs[#outputs + 1] = "[q] \"=&r\"(q)"
    if statement.ends then
      outputs[#outputs + 1] = "[end] \"=&r\"(end)"
    end
    asm_statement(buf, statement.instructions, outputs, inputs, clobbers(rows))
  end
end

-- The requantization of one accumulator register `acc` (256 acc + n, the header's form) with its
-- multiplier in register `m` and rounding constant in `c`, through %[t] into `dest`.
local function requantize(instructions, ql, acc, m, c, dest)
  local kind = finish(ql)
  instructions[#instructions + 1] = string.format("add %s, %s, %s, asr #31", c, c, acc)
  instructions[#instructions + 1] = string.format("asr %%[t], %s, #7", acc)
  instructions[#instructions + 1] = string.format("smmlar %%[t], %%[t], %s, %s", m, c)
  instructions[#instructions + 1] = string.format("asr %%[t], %%[t], %s", acc)
  instructions[#instructions + 1] = string.format("ssat %s, #8, %%[t]", dest)
  if kind == "low" then
    instructions[#instructions + 1] = string.format("cmp %s, #%d", dest, ql.pre.zero_point)
    instructions[#instructions + 1] = "it lt"
    instructions[#instructions + 1] = string.format("movlt %s, #%d", dest, ql.pre.zero_point)
  elseif kind == "table" then
    instructions[#instructions + 1] = string.format("ldrsb %s, [%%[table], %s]", dest, dest)
  end
end

-- The block's requantization and stores: per two rows one LDM of their M and C, then per row
-- the six steps of the header (and a relu's low bound or the activation table). With `pairs`
-- (a block of four rows whose outputs are the next pair kernel's four columns), the four int8
-- results go into the accumulators' registers and out as that kernel's P and Q words instead:
-- six instructions where four stores and the next layer's expansion took about twelve.
local function block_store(buf, ql, rows, out, table_name, pairs, stride)
  local instructions = {}
  for j = 0, rows - 1 do
    local m, c = FIXED[2 * (j % 2) + 1], FIXED[2 * (j % 2) + 2]
    if j % 2 == 0 then
      instructions[#instructions + 1] = string.format("ldmia %%[w]!, %s", range(math.min(4, 2 * (rows - j))))
    end
    local acc = string.format("%%[acc%d]", j)
    if pairs then
      requantize(instructions, ql, acc, m, c, acc)
    else
      requantize(instructions, ql, acc, m, c, "%[t]")
      instructions[#instructions + 1] = string.format("strb %%[t], [%%[out], #%d]", j * stride)
    end
  end
  if pairs then
    for _, instruction in ipairs({ "pkhbt %[t], %[acc1], %[acc3], lsl #16", "ssub16 %[t], %[t], %[offset]",
      "lsl %[acc0], %[acc0], #8", "pkhbt %[acc0], %[acc0], %[acc2], lsl #24", "ssub16 %[acc0], %[acc0], %[t]",
      "strd %[t], %[acc0], [%[out]]" }) do
      instructions[#instructions + 1] = instruction
    end
  end
  buf:line("int32_t t;")
  local outputs = accumulators(rows)
  outputs[#outputs + 1] = "[w] \"+r\"(w)"
  outputs[#outputs + 1] = "[t] \"=&r\"(t)"
  local inputs = { string.format("[out] \"r\"(%s)", out) }
  if pairs then
    inputs[#inputs + 1] = "[offset] \"r\"(0x007F007F)"
  end
  if finish(ql) == "table" then
    inputs[#inputs + 1] = string.format("[table] \"r\"(%s + 128)", table_name)
  end
  asm_statement(buf, instructions, outputs, inputs, clobbers(math.min(4, 2 * rows)), true)
end

-- One block of `rows` rows from row `first` (a C expression).
local function block(buf, opts, first, rows)
  local accs = {}
  for j = 0, rows - 1 do
    accs[#accs + 1] = string.format("acc%d = w[%d]", j, j)
  end
  buf:line("int32_t %s;", table.concat(accs, ", "))
  buf:line("w += %d;", rows)
  buf:open("{")
  block_sums(buf, rows, opts.runs, opts.x, opts.straight)
  buf:close()
  buf:open("{")
  -- `first` is a row number or the blocks' loop variable
  local row = tonumber(first)
  if opts.pairs_out then
    local word = row and tostring(row // 2) or (first .. " / 2")
    block_store(buf, opts.ql, rows, string.format("&%s[%s]", opts.pairs_out, word), opts.table, true)
  else
    block_store(buf, opts.ql, rows, opts.out_at(first, row), opts.table, false, opts.stride)
  end
  buf:close()
end

-- The blocks of four rows (and a last one of fewer) over the stream at `w`: opts = { ql, rows,
-- runs, x (the C expression of the first pair word each block reads), out_at(first, row) (the C
-- expression of row `first`'s output; row is its number or nil), stride (the bytes between two
-- rows' outputs), table (the activation table's C name), pairs_out, straight (the longest run
-- written out without a loop, STRAIGHT by default) }.
function M.blocks(buf, opts)
  local blocks_end = opts.rows - opts.rows % M.ROWS
  if blocks_end > M.ROWS then
    buf:loop("r", 0, blocks_end, M.ROWS)
    block(buf, opts, "r", M.ROWS)
    buf:close()
  elseif blocks_end > 0 then
    buf:open("{")
    block(buf, opts, "0", M.ROWS)
    buf:close()
  end
  if blocks_end < opts.rows then
    buf:open("{")
    block(buf, opts, tostring(blocks_end), opts.rows - blocks_end)
    buf:close()
  end
end

-- Writes the layer: opts = { ql, rows, length, weights (the stream's C name), x (the input's C
-- expression), output (the int8 output's C name), table (the activation table's C name),
-- pairs_in (the pair words of x, when the layer before wrote them), pairs_out (where to write
-- the next layer's pair words instead of output) }.
function M.emit(buf, helpers, opts)
  buf:open("{")
  if opts.pairs_in then
    buf:line("const int32_t *pairs = %s;", opts.pairs_in)
  else
    M.expand(buf, helpers, opts.x, opts.length, "pairs")
  end
  buf:line("const int32_t *w = %s;", opts.weights)
  M.blocks(buf, { ql = opts.ql, rows = opts.rows, runs = { { steps = opts.length // 4 } }, x = "pairs",
    stride = 1, table = opts.table, pairs_out = opts.pairs_out,
    out_at = function(first, row)
      return row == 0 and opts.output or string.format("&%s[%s]", opts.output, first)
    end })
  buf:close()
end

-- A layer's code for the other targets goes in the `#if` branch beside the pair kernel's, and
-- calls helpers that a build of the pair kernel may then leave uncalled (a static function no
-- branch calls is a warning). `tracking(helpers)` gives the helper names to write that code
-- with, and a function that names (`(void)&`) those it called, for the pair kernel's branch.
function M.tracking(helpers)
  local called = {}
  local tracked = setmetatable({}, { __index = function(_, key)
    return function()
      called[key] = true
      return helpers[key]()
    end
  end })
  local function name_called(buf, list)
    for _, helper in ipairs(list) do
      if called[helper] then
        buf:line("(void)&%s;", helpers[helper]())
      end
    end
  end
  return tracked, name_called
end

---------------------------------------------------------------------------------------------------
-- Per-feature affine layers (standardization, a batchnorm not folded into a layer before it) on
-- the same cores: acc = B + W x per feature, as 256 acc + n = (256 B + n) + (256 W) x by one MLA,
-- then the same requantization: nine instructions per feature where the C took 18.

-- Whether such a layer takes it: one value per channel, its accumulators and rounding constants
-- bounded as for the pair kernel, the short requantization.
function M.affine_applies(ql, folded)
  local spec = ql.layer.spec
  return spec ~= nil and spec.positions == 1 and M.takes(ql, folded)
end

-- Its stream: per feature 256 W, 256 B + n, M, C.
function M.affine_stream(ql, folded)
  local z = ql.pre.zero_point
  local words = {}
  for c, w in ipairs(ql.weights) do
    local n = -ql.shift[c]
    words[#words + 1] = 256 * w[1]
    words[#words + 1] = wrap32(256 * folded[c] + n)
    words[#words + 1] = ql.multiplier[c]
    words[#words + 1] = (1 << (n - 1)) + z * (1 << n)
  end
  return words
end

-- The layer as one assembly loop over its features: LDRSB of x, one LDM of the feature's four
-- words, MLA, the requantization, a post-indexed store.
function M.affine_emit(buf, opts)
  local instructions = { "1:", "ldrsb %[x_i], [%[x]], #1", "ldmia %[w]!, {r8-r11}",
    "mla %[acc], r8, %[x_i], r9" }
  requantize(instructions, opts.ql, "%[acc]", "r10", "r11", "%[t]")
  instructions[#instructions + 1] = "strb %[t], [%[out]], #1"
  instructions[#instructions + 1] = "cmp %[out], %[end]"
  instructions[#instructions + 1] = "bne 1b"
  buf:open("{")
  buf:line("const int32_t *w = %s;", opts.weights)
  buf:line("const int8_t *x = %s;", opts.x)
  buf:line("int8_t *out = %s;", opts.output)
  buf:line("int32_t x_i, acc, t;")
  local outputs = { "[w] \"+r\"(w)", "[x] \"+r\"(x)", "[out] \"+r\"(out)", "[x_i] \"=&r\"(x_i)",
    "[acc] \"=&r\"(acc)", "[t] \"=&r\"(t)" }
  local inputs = { string.format("[end] \"r\"(%s + %d)", opts.output, opts.count) }
  if finish(opts.ql) == "table" then
    inputs[2] = string.format("[table] \"r\"(%s + 128)", opts.table)
  end
  asm_statement(buf, instructions, outputs, inputs, clobbers(4), true)
  buf:close()
end

return M
