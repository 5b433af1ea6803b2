-- random_rows.lua COUNT COLUMNS SEED: COUNT rows of COLUMNS values 0.3 + [-1, 1) as CSV on
-- stdout, the distribution tests/q8/make_weights.c trains on (a linear congruential generator, so
-- the rows are the same everywhere).
local count, columns, seed = tonumber(arg[1]), tonumber(arg[2]), tonumber(arg[3])
local state = seed
local function draw()
  state = (state * 1103515245 + 12345) & 0xFFFFFFFF
  return ((state >> 8) & 0xFFFF) / 32768 - 1
end
for _ = 1, count do
  local row = {}
  for c = 1, columns do
    row[c] = string.format("%.9g", 0.3 + draw())
  end
  io.write(table.concat(row, ","), "\n")
end
