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

-- 1 - value (adam's 1 - beta1, say) as a reader would write it: in float the shortest text of the
-- float nearest 1 - value ("0.1f" for 1 - 0.9, not "0.09999999999999998f"); in double, where
-- 1 - 0.9 is not the double nearest 0.1, the subtraction itself, which the compiler folds exactly
-- as the generator computed it.
function M.one_minus(value, dtype)
  if dtype == "float" then
    return M.literal(as_float(1 - value), dtype)
  end
  return "(" .. M.literal(1, dtype) .. " - " .. M.literal(value, dtype) .. ")"
end

-- a * b (adamw's lr * weight_decay) the same way: the float nearest the product, or in double the
-- product itself, which the compiler folds exactly as the generator computed it.
function M.product(a, b, dtype)
  if dtype == "float" then
    return M.literal(as_float(a * b), dtype)
  end
  return "(" .. M.literal(a, dtype) .. " * " .. M.literal(b, dtype) .. ")"
end

-- The exact value 1/n (or k/n) as a constant expression the compiler rounds once.
function M.ratio(numerator, denominator, dtype)
  return "(" .. M.literal(numerator, dtype) .. " / " .. M.literal(denominator, dtype) .. ")"
end

-- A buffer of lines. `line` takes a format and arguments; `open`/`close` nest blocks, and
-- `loop` opens a counted for loop that is left out where it would run once or never.
local Buffer = {}
Buffer.__index = Buffer

function M.buffer(depth)
  return setmetatable({ lines = {}, depth = depth or 0, scopes = {} }, Buffer)
end

-- gsub(pattern, value) in code only: text inside /* comments */ is left alone.
local function substitute(text, pattern, value)
  local pieces, at = {}, 1
  while at <= #text do
    local open = text:find("/*", at, true)
    local code_end = open and open - 1 or #text
    pieces[#pieces + 1] = text:sub(at, code_end):gsub(pattern, value)
    if not open then
      break
    end
    local close = text:find("*/", open + 2, true) or #text - 1
    pieces[#pieces + 1] = text:sub(open, close + 1)
    at = close + 2
  end
  return table.concat(pieces)
end

-- The code a line becomes inside the open scopes: nil inside a loop that never runs; inside a
-- loop that runs once, its variable replaced by its one value ("i0 + r" with r = 0 becomes "i0").
local function in_scopes(self, text)
  for i = #self.scopes, 1, -1 do
    local scope = self.scopes[i]
    if scope.kind == "never" then
      return nil
    elseif scope.kind == "once" then
      local var = "%f[%w_]" .. scope.var .. "%f[^%w_]"
      if scope.value == 0 then
        -- drop "+ r" only where r is a whole term of a sum: not "r * 2", not "x * r"
        text = substitute(text, " %+ " .. var .. "([%]%),;])", "%1")
        text = substitute(text, " %+ " .. var .. "( [%+%-] )", "%1")
        text = substitute(text, " %+ " .. var .. "$", "")
        text = substitute(text, "([%[%(])" .. var .. " %+ ", "%1")
      end
      text = substitute(text, var, tostring(scope.value))
    end
  end
  return text
end

function Buffer:line(fmt, ...)
  local text = in_scopes(self, select("#", ...) > 0 and string.format(fmt, ...) or fmt)
  if text == nil then
    return self
  elseif text == "" then
    self.lines[#self.lines + 1] = ""
  else
    self.lines[#self.lines + 1] = string.rep("    ", self.depth) .. text
  end
  return self
end

function Buffer:open(fmt, ...)
  self:line(fmt, ...)
  self.scopes[#self.scopes + 1] = { kind = "block" }
  self.depth = self.depth + 1
  return self
end

-- `for (int var = first; var < limit; var += step) {` (step 1 by default). A loop that would
-- run once is not written: its body follows at the same depth with `var` replaced by `first`.
-- A loop that would never run drops its body. Close it with `close`, like any block.
function Buffer:loop(var, first, limit, step)
  step = step or 1
  if first >= limit then
    self.scopes[#self.scopes + 1] = { kind = "never" }
  elseif first + step >= limit then
    self.scopes[#self.scopes + 1] = { kind = "once", var = var, value = first, from = #self.lines + 1 }
  elseif step == 1 then
    self:open("for (int %s = %d; %s < %d; ++%s) {", var, first, var, limit, var)
  else
    self:open("for (int %s = %d; %s < %d; %s += %d) {", var, first, var, limit, var, step)
  end
  return self
end

-- Whether a line of C declares a variable ("const float a = ...", "float acc[6][1];").
local NOT_TYPES = { ["return"] = true, ["else"] = true, ["goto"] = true, ["case"] = true }
local function declares(text)
  local first = text:match("^%s*([%a_][%w_]*)%s+%(?%*?%s*[%a_][%w_]*%s*[%[=;,%)]")
  return text:match("^%s*const%s") ~= nil or (first ~= nil and not NOT_TYPES[first])
end

-- The body of a loop left out because it runs once stays at the loop's depth; if it declares
-- anything at that depth, it becomes a plain block instead, so that its names stay its own.
local function scope_once_body(self, scope)
  local indent = string.rep("    ", self.depth)
  for i = scope.from, #self.lines do
    local line = self.lines[i]
    if line:sub(1, #indent) == indent and line:sub(#indent + 1, #indent + 1) ~= " " and declares(line) then
      for j = scope.from, #self.lines do
        if self.lines[j] ~= "" then
          self.lines[j] = "    " .. self.lines[j]:gsub("\n", "\n    ")
        end
      end
      table.insert(self.lines, scope.from, indent .. "{")
      self.lines[#self.lines + 1] = indent .. "}"
      return
    end
  end
end

function Buffer:close(text)
  local scope = table.remove(self.scopes)
  if scope and scope.kind == "once" then
    scope_once_body(self, scope)
    return self
  elseif scope and scope.kind == "never" then
    return self
  end
  self.depth = self.depth - 1
  self:line(text or "}")
  return self
end

function Buffer:text()
  return table.concat(self.lines, "\n")
end

-- The column just after the last "(" that the code of `text` leaves open, or nil when it closes
-- them all (comments do not count).
local function open_paren_column(text)
  if text:match("^%s*%*") then
    return nil -- the middle of a block comment
  end
  text = text:gsub("/%*.-%*/", function(comment) return string.rep(" ", #comment) end):gsub("/%*.*$", "")
  local open = {}
  for i = 1, #text do
    local c = text:sub(i, i)
    if c == "(" then
      open[#open + 1] = i
    elseif c == ")" then
      open[#open] = nil
    end
  end
  return open[#open]
end

-- Fill ${key} placeholders. A placeholder without a value, or a value without a placeholder, is a
-- generator bug, so both raise. A template line that continues an argument list (it starts with
-- blanks and the line before leaves a parenthesis open) is aligned after that parenthesis once
-- the names are filled in, whatever their length.
function M.render(template, values, template_name)
  local used = {}
  local function fill(text)
    return (text:gsub("%${([%w_]+)}", function(key)
      local value = values[key]
      if value == nil then
        error(template_name .. ": no value for placeholder ${" .. key .. "}")
      end
      used[key] = true
      return tostring(value)
    end))
  end
  local lines, previous = {}, ""
  for line in (template .. "\n"):gmatch("(.-)\n") do
    local text = fill(line)
    local column = open_paren_column(previous)
    if column and line:match("^%s+[^%s%*]") then
      text = string.rep(" ", column) .. text:match("^%s*(.*)$")
    end
    lines[#lines + 1] = text
    previous = text:match("([^\n]*)$")
  end
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
  return table.concat(lines, "\n")
end

return M
