-- C text helpers: numeric literals, a line buffer with indentation, and template rendering.
local M = {}

local function as_float(value)
  return (string.unpack("<f", string.pack("<f", value)))
end

-- The shortest decimal text that reads back as exactly `value`: as a double, or, with `float`,
-- as a float (for values that are floats, such as weights read from a float file).
function M.shortest(value, float)
  for digits = 1, 17 do
    local text = string.format("%." .. digits .. "g", value)
    local back = tonumber(text)
    if (float and as_float(back) == value) or (not float and back == value) then
      return text
    end
  end
  return string.format("%.17g", value)
end

-- A literal of the model's real type that reads back exactly: with an f suffix for float, so the
-- compiler rounds it once and no double-to-float conversion happens. A value that is itself a
-- float gets the shortest float text; any other value (a hyperparameter) its shortest double text.
function M.literal(value, dtype)
  local float = dtype == "float" and as_float(value) == value
  local text = M.shortest(value, float)
  if not text:find("[%.eEn]") then
    text = text .. ".0"
  end
  return dtype == "float" and text .. "f" or text
end

-- The exact value 1/n (or k/n) as a constant expression the compiler rounds once.
function M.ratio(numerator, denominator, dtype)
  return "(" .. M.literal(numerator, dtype) .. " / " .. M.literal(denominator, dtype) .. ")"
end

-- A buffer of lines. `line` takes a format and arguments; `indent`/`dedent` nest blocks.
local Buffer = {}
Buffer.__index = Buffer

function M.buffer(depth)
  return setmetatable({ lines = {}, depth = depth or 0 }, Buffer)
end

function Buffer:line(fmt, ...)
  local text = select("#", ...) > 0 and string.format(fmt, ...) or fmt
  if text == "" then
    self.lines[#self.lines + 1] = ""
  else
    self.lines[#self.lines + 1] = string.rep("    ", self.depth) .. text
  end
  return self
end

function Buffer:open(fmt, ...)
  self:line(fmt, ...)
  self.depth = self.depth + 1
  return self
end

function Buffer:close(text)
  self.depth = self.depth - 1
  self:line(text or "}")
  return self
end

function Buffer:text()
  return table.concat(self.lines, "\n")
end

-- Fill ${key} placeholders. A placeholder without a value, or a value without a placeholder, is a
-- generator bug, so both raise.
function M.render(template, values, template_name)
  local used = {}
  local text = template:gsub("%${([%w_]+)}", function(key)
    local value = values[key]
    if value == nil then
      error(template_name .. ": no value for placeholder ${" .. key .. "}")
    end
    used[key] = true
    return tostring(value)
  end)
  local keys = {}
  for key in pairs(values) do
    keys[#keys + 1] = key
  end
  table.sort(keys)
  for _, key in ipairs(keys) do
    if not used[key] then
      error(template_name .. ": value for ${" .. key .. "} has no placeholder")
    end
  end
  return text
end

return M
