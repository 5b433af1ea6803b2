-- split_scaled.lua DATA.csv NAME.scale split.csv OUT_DIR [CALIB_ROWS]: the rows of a make train
-- data file standardized with the trained model's scale file (x' = (x - mean) / scale, the
-- model's input units), written as OUT_DIR/train.csv and OUT_DIR/val.csv by split.csv's sets
-- (features, then the label column as it was), and OUT_DIR/calib.csv: the first CALIB_ROWS
-- training rows (all of them by default).
local data_path, scale_path, split_path, out, calib_rows = arg[1], arg[2], arg[3], arg[4], tonumber(arg[5])
local mean, scale = {}, {}
for line in io.lines(scale_path) do
  local index, m, s = line:match("^feature (%d+) (%S+) (%S+)$")
  if index then
    mean[tonumber(index) + 1], scale[tonumber(index) + 1] = tonumber(m), tonumber(s)
  end
end
local sets = {}
for line in io.lines(split_path) do
  local row, set = line:match("^(%d+),(%a+)$")
  if row then
    sets[tonumber(row) + 1] = set
  end
end
local files = { train = assert(io.open(out .. "/train.csv", "w")), val = assert(io.open(out .. "/val.csv", "w")) }
local calib = assert(io.open(out .. "/calib.csv", "w"))
local n, written = 0, 0
for line in io.lines(data_path) do
  n = n + 1
  local fields = {}
  for field in line:gmatch("[^,]+") do
    fields[#fields + 1] = tonumber(field)
  end
  for i = 1, #mean do
    fields[i] = string.format("%.17g", (fields[i] - mean[i]) / scale[i])
  end
  for i = #mean + 1, #fields do
    fields[i] = string.format("%.17g", fields[i])
  end
  local text = table.concat(fields, ",") .. "\n"
  local set = assert(sets[n], "split.csv has no row " .. (n - 1))
  files[set == "train" and "train" or "val"]:write(text)
  if set == "train" and (not calib_rows or written < calib_rows) then
    calib:write(text)
    written = written + 1
  end
end
files.train:close()
files.val:close()
calib:close()
