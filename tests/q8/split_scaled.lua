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
-- The data rows as make train's driver numbers them (runtime/hosted/csv.h): blank lines and a
-- header on the first non-blank line (one whose first field is not a number: column names, or
-- sklearn's `n_samples,n_features,name,...`) are not rows; fields are comma separated, or blank
-- separated in a file whose first non-blank line has no comma.
local n, written, separator = 0, 0, nil
local line_number = 0
for line in io.lines(data_path) do
  line_number = line_number + 1
  line = line:gsub("\r$", "")
  if line:find("%S") then
    local first_line = not separator
    separator = separator or (line:find(",", 1, true) and "[^,]+" or "%S+")
    local fields = {}
    for field in line:gmatch(separator) do
      fields[#fields + 1] = field
    end
    local sklearn_counts = #fields >= 3 and math.tointeger(tonumber(fields[1]))
      and math.tointeger(tonumber(fields[2])) and not tonumber(fields[3])
    if not (first_line and (not tonumber(fields[1]) or sklearn_counts)) then
      n = n + 1
      for i = 1, #fields do
        local value = tonumber(fields[i])
        if not value then
          error(data_path .. ":" .. line_number .. ": field " .. i .. " is not a number", 0)
        end
        fields[i] = string.format("%.17g", i <= #mean and (value - mean[i]) / scale[i] or value)
      end
      local text = table.concat(fields, ",") .. "\n"
      local set = assert(sets[n], "split.csv has no row " .. (n - 1))
      files[set == "train" and "train" or "val"]:write(text)
      if set == "train" and (not calib_rows or written < calib_rows) then
        calib:write(text)
        written = written + 1
      end
    end
  end
end
files.train:close()
files.val:close()
calib:close()
