-- The ARMv7E-M DSP kernel of the int8 dense and conv layers: four weight rows against the same
-- int8 input per pass, each word of the input loaded and sign-extended (SXTB16) once for all four
-- rows, the four accumulators in registers, the row length and stride written as constants so
-- that every load is one instruction with an immediate offset. The other targets keep the
-- layer's own loops (the one- and two-row dot products); both give the same exact int32 sums.
local M = {}

M.ROWS = 4

-- Writes, for rows 0 .. (rows - rows % 4) - 1 in fours:
--   acc<j> = B[row + j] + sum_i W[row + j][i] x[i]   then store(row expression, "acc<j>")
-- `opts`: rows (count), length (of a row and of x), weights (the C name of a [rows][length]
-- array), bias (C name), x (the input's C expression), index (the loop variable's name), store.
-- Returns the first row it leaves to the caller's loops.
function M.emit(buf, helpers, opts)
  local groups_end = opts.rows - opts.rows % M.ROWS
  if groups_end == 0 then
    return 0
  end
  local n, r = opts.length, opts.index
  local words_end = n - n % 4
  buf:loop(r, 0, groups_end, M.ROWS)
  buf:line("const int8_t *w = %s[%s];", opts.weights, r)
  local accs = {}
  for j = 0, M.ROWS - 1 do
    accs[j + 1] = string.format("acc%d = %s[%s]", j, opts.bias, j == 0 and r or (r .. " + " .. j))
  end
  buf:line("int32_t %s;", table.concat(accs, ", "))
  if words_end > 0 then
    local ror8 = helpers.sxtb16_ror8()
    buf:loop("i", 0, words_end, 4)
    buf:line("int32_t xv, w0, w1, w2, w3;")
    buf:line("memcpy(&xv, %s + i, 4);", opts.x)
    for j = 0, M.ROWS - 1 do
      buf:line("memcpy(&w%d, w + %s, 4);", j, j == 0 and "i" or string.format("%d + i", j * n))
    end
    buf:line("const int32_t x_even = __sxtb16(xv), x_odd = %s(xv);", ror8)
    for j = 0, M.ROWS - 1 do
      buf:line("acc%d = __smlad(__sxtb16(w%d), x_even, acc%d);", j, j, j)
      buf:line("acc%d = __smlad(%s(w%d), x_odd, acc%d);", j, ror8, j, j)
    end
    buf:close()
  end
  for i = words_end, n - 1 do
    buf:open("{")
    buf:line("const int32_t x_i = %s[%d];", opts.x, i)
    for j = 0, M.ROWS - 1 do
      buf:line("acc%d += w[%d] * x_i;", j, j * n + i)
    end
    buf:close()
  end
  for j = 0, M.ROWS - 1 do
    opts.store(j == 0 and r or string.format("%s + %d", r, j), "acc" .. j)
  end
  buf:close()
  return groups_end
end

return M
