-- Calibration for int8 inference: read the CALIB file (make train's CSV format: features first,
-- extra label columns ignored) and run the float model on every row in inference mode, in double,
-- keeping each layer's pre-activation Z and activation A range. Each layer kind evaluates itself
-- (ops/*.lua `evaluate`).
local activations = require("ops.activations")
local errors = require("errors")
local host = require("gradc.host")
local kinds = require("ops.kinds")
local dense = require("ops.dense")

local M = {}

-- Calibration wants a representative sample, not a data set: TFLite's converter is usually given
-- a few hundred rows. Reading a row costs a few microseconds per value and running the float
-- model on it more, so a file past these bounds is refused as soon as the reader gets there (a bad
-- row at the end of a huge file must not take minutes and gigabytes to find). The bounds:
-- MAX_ROWS data rows, and MAX_VALUES values in all (rows x the network's inputs: 32,768 rows of
-- digits' 64 pixels, 2,730 of a 28 x 28 image); and MAX_BYTES, checked before anything is read
-- (digits' 1797 rows are 200 KB).
M.MAX_ROWS = 65536
M.MAX_VALUES = 1 << 21
M.MAX_BYTES = 64 * 1024 * 1024
-- make train's reader's bound (runtime/hosted/csv.h), checked before a line is split: a 64 MiB
-- line of 32 million fields took 12 s and 700 MB to be refused for other reasons
M.MAX_LINE = 65536

local function fail(display, line, problem)
  errors.raise(string.format("%s:%s %s", display, line and (line .. ":") or "", problem))
end

-- Fields of one line: commas, or runs of blanks where the file's first data line has no comma.
-- An empty comma-separated field (blanks around a field are not part of it) is an error, as in
-- make train's reader, on any line: nil and the column it starts at.
local function split(text, commas)
  local fields = {}
  if commas then
    local at = 1
    repeat
      local comma = text:find(",", at, true)
      local start = at + #text:match("^[ \t]*", at)
      local field = text:sub(start, comma and comma - 1 or #text):match("^(.-)[ \t]*$")
      if field == "" then
        return nil, start
      end
      fields[#fields + 1] = field
      at = comma and comma + 1
    until not comma
  else
    for field in text:gmatch("[^ \t]+") do
      fields[#fields + 1] = field
    end
  end
  return fields
end

-- A decimal number as strtod reads it in the C locale, without hexadecimal: nil otherwise.
local function decimal(field)
  if not field:match("^[+-]?%d*%.?%d*[eE]?[+-]?%d*$") or not field:match("%d") then
    return nil
  end
  return tonumber(field)
end

-- "inf" or "nan" where strtod reads the whole field as an infinity or a NaN, else nil.
local function special(field)
  local bare = field:lower():gsub("^[+-]", "")
  if bare == "inf" or bare == "infinity" then
    return "inf"
  elseif bare == "nan" or bare:match("^nan%([%w_]*%)$") then
    return "nan"
  end
  return nil
end

-- Whether make train's reader takes the field for a number (an infinity or a NaN is one there,
-- refused later as a value): what decides whether a first line is a header.
local function numeric(field)
  return decimal(field) ~= nil or special(field) ~= nil
end

-- A non-negative integer field, as scikit-learn's header counts are: its value, or nil.
local function count(field)
  local value = decimal(field)
  return value and value >= 0 and value <= 2147483647 and math.tointeger(value) or nil
end

-- Returns the rows (lists of the first `inputs` values, as doubles) of a calibration file: make
-- train's format (runtime/hosted/csv.c) as far as calibration reads it.
function M.read(path, display, inputs)
  local text, read_err, problem = host.read_file(path, M.MAX_BYTES + 1)
  if not text then
    fail(display, nil, problem == "type" and "calibration file is " .. read_err
      or "cannot " .. problem .. " calibration file: " .. read_err)
  end
  if #text > M.MAX_BYTES then
    fail(display, nil, string.format("calibration file is larger than %d bytes", M.MAX_BYTES))
  end
  if text:sub(1, 3) == "\239\187\191" then
    text = text:sub(4)
  end
  local nul = text:find("\0", 1, true)
  if nul then
    local before = text:sub(1, nul - 1)
    local _, breaks = before:gsub("\n", "")
    local line_start = (before:match(".*\n()") or 1)
    fail(display, string.format("%d:%d", breaks + 1, nul - line_start + 1), "NUL byte (is this a text file?)")
  end
  local rows, columns, commas = {}, nil, nil
  -- scikit-learn's header `n_samples,n_features,name,...`: the counts, checked after the rows
  local header_samples, header_features, header_line
  local line_number = 0
  for line in (text:gsub("\r\n", "\n") .. "\n"):gmatch("([^\n]*)\n") do
    line_number = line_number + 1
    if #line > M.MAX_LINE then
      fail(display, line_number, string.format("line longer than %d characters", M.MAX_LINE))
    end
    if line:match("[^ \t]") then
      if commas == nil then
        commas = line:find(",", 1, true) ~= nil
      end
      local fields, empty_at = split(line, commas)
      if not fields then
        fail(display, string.format("%d:%d", line_number, empty_at), "empty field")
      end
      local first = columns == nil and #rows == 0
      local header = first and not numeric(fields[1])
      if first and not header and #fields >= 3 and count(fields[1]) and count(fields[2]) then
        for c = 3, #fields do
          if not numeric(fields[c]) then
            header, header_samples, header_features, header_line = true, count(fields[1]),
              count(fields[2]), line_number
            break
          end
        end
      end
      if header then
        columns = not header_samples and #fields or nil
      else
        if #fields < inputs then
          fail(display, line_number, string.format("%d columns, expected at least %d (the network's "
            .. "inputs, then any label columns)", #fields, inputs))
        end
        if columns and #fields ~= columns then
          fail(display, line_number, string.format("%d columns, but the first row has %d", #fields,
            columns))
        end
        columns = #fields
        local row = {}
        for c = 1, inputs do
          local value = decimal(fields[c])
          if value == nil then
            local kind = special(fields[c])
            if kind == "nan" then
              fail(display, line_number, string.format("column %d is NaN (calibration values must be finite)", c))
            elseif kind == "inf" then
              fail(display, line_number, string.format("column %d is infinite (calibration values must be finite)", c))
            end
            fail(display, line_number, string.format("column %d: '%s' is not a number", c,
              errors.spec_text(fields[c])))
          elseif value ~= value or value == math.huge or value == -math.huge then
            fail(display, line_number, string.format("column %d: %s overflows a double (calibration "
              .. "values must be finite)", c, errors.spec_text(fields[c])))
          end
          row[c] = value
        end
        rows[#rows + 1] = row
        if #rows > M.MAX_ROWS or #rows * inputs > M.MAX_VALUES then
          fail(display, line_number, string.format("more than %d data rows: calibration reads at most "
            .. "%d rows and %d values (rows x the network's %d inputs); give it a representative "
            .. "sample of the inputs, a few hundred rows", #rows - 1, M.MAX_ROWS, M.MAX_VALUES, inputs))
        end
      end
    end
  end
  if header_samples and #rows > 0 then
    if header_samples ~= #rows then
      fail(display, header_line, string.format("the header says %d samples, but the file has %d data rows",
        header_samples, #rows))
    elseif columns ~= header_features and columns ~= header_features + 1 then
      fail(display, header_line, string.format("the header says %d features, but rows have %d fields "
        .. "(expected %d, or %d with a label)", header_features, columns, header_features, header_features + 1))
    end
  end
  if #rows == 0 then
    fail(display, nil, "calibration file has no data rows (expected at least 2)")
  elseif #rows < 2 then
    fail(display, nil, "calibration file has 1 data row (expected at least 2: a range needs more "
      .. "than one sample)")
  end
  return rows
end

-- Run the float model (`params`: each layer's tensors by name, as flat lists) over `rows` and
-- return the ranges: ranges.X = { min, max }, and per plan layer position i ranges.Z[i], ranges.A[i].
-- ranges.rows holds each row's own ranges the same way, as two lists of numbers per tensor
-- (rows.X.lo[j], rows.X.hi[j]; rows.Z[i], rows.A[i]), for the warnings of quantize.lua.
function M.ranges(plan, params, rows)
  local ranges = { Z = {}, A = {}, rows = { X = { lo = {}, hi = {} }, Z = {}, A = {} } }
  -- a NaN (inf - inf in a sum) compares false with everything: it makes the range NaN, so that
  -- quantize.lua refuses it instead of missing it
  local function widen(range, values)
    for _, v in ipairs(values) do
      if v < range[1] then range[1] = v end
      if v > range[2] then range[2] = v end
      if v ~= v then range[1], range[2] = v, v end
    end
  end
  local own = { math.huge, -math.huge }
  -- widen `range` by `values`, and note the values' own range as row j's of `per_row`
  local function widen_row(range, per_row, j, values)
    own[1], own[2] = math.huge, -math.huge
    widen(own, values)
    per_row.lo[j], per_row.hi[j] = own[1], own[2]
    widen(range, own)
  end
  ranges.X = { math.huge, -math.huge }
  for i = 1, #plan.layers do
    ranges.Z[i] = { math.huge, -math.huge }
    ranges.A[i] = { math.huge, -math.huge }
  end
  for i = 1, #plan.layers do
    ranges.rows.Z[i] = { lo = {}, hi = {} }
    ranges.rows.A[i] = { lo = {}, hi = {} }
  end
  for j, row in ipairs(rows) do
    widen_row(ranges.X, ranges.rows.X, j, row)
    local x = row
    for i, layer in ipairs(plan.layers) do
      local z
      if layer.kind == "dense" then
        z = dense.evaluate(layer, params[layer.index], x)
      elseif layer.kind == "conv1d" or layer.kind == "conv2d" or layer.kind == "batchnorm"
          or layer.kind == "standardize" then
        z = kinds[layer.kind].evaluate(layer, params[layer.index], x)
      else
        z = kinds[layer.kind].evaluate(layer, x)
      end
      local a = activations.evaluate(layer.activation, layer.alpha, z)
      widen_row(ranges.Z[i], ranges.rows.Z[i], j, z)
      widen_row(ranges.A[i], ranges.rows.A[i], j, a)
      x = a
    end
  end
  return ranges
end

return M
