-- User errors: raised as tables so the host prints them as they are, without a traceback.
-- Anything raised any other way is a generator bug and gets one.
local M = {}

local user_error = {}
user_error.__index = user_error
user_error.__tostring = function(e) return e.message end

-- Raise a user error: `message`, escaped (M.escape) here once for every message, since a file name
-- given on the command line with a newline or a terminal escape in it must neither split the
-- one-line message nor reach the terminal raw (text escaped before stays as it is: escaping
-- leaves backslashes alone); then `usage`, the generator's own help text, if given, on the lines
-- after it.
function M.raise(message, usage)
  local text = M.escape(message)
  if usage then
    text = text .. "\n" .. usage
  end
  error(setmetatable({ message = text }, user_error), 0)
end

-- Raise "FILE: path: problem (expected ...)", the contract's form for a field without a line.
function M.field(file, path, problem, expected)
  local text = file .. ": " .. path .. ": " .. problem
  if expected then
    text = text .. " (expected " .. expected .. ")"
  end
  M.raise(text)
end

function M.is_user_error(e)
  return getmetatable(e) == user_error
end

-- How much of a text the spec wrote (its error message, a string it gave a field) a message
-- quotes: enough to recognize it, too little to flood a terminal.
M.SPEC_TEXT_LIMIT = 300

local NAMED_ESCAPES = { [0x09] = "\\t", [0x0A] = "\\n", [0x0D] = "\\r" }

-- Length of the UTF-8 character at byte i of text and its code point, or nil where the bytes are
-- not one (a stray continuation byte, a cut or overlong sequence, a surrogate, beyond U+10FFFF).
local function utf8_char_at(text, i)
  local lead = text:byte(i)
  local length, lowest
  if lead < 0x80 then
    return 1, lead
  elseif lead >= 0xC2 and lead <= 0xDF then
    length, lowest = 2, 0x80
  elseif lead >= 0xE0 and lead <= 0xEF then
    length, lowest = 3, 0x800
  elseif lead >= 0xF0 and lead <= 0xF4 then
    length, lowest = 4, 0x10000
  else
    return nil
  end
  local code = lead & (0x7F >> length)
  for k = 1, length - 1 do
    local byte = text:byte(i + k)
    if not byte or byte < 0x80 or byte > 0xBF then
      return nil
    end
    code = (code << 6) | (byte & 0x3F)
  end
  if code < lowest or code > 0x10FFFF or (code >= 0xD800 and code <= 0xDFFF) then
    return nil
  end
  return length, code
end

-- A byte as a Lua decimal escape; three digits where a digit follows, so that "\0" then "1" does
-- not read back as "\01".
local function decimal_escape(byte, next_byte)
  local digit_follows = next_byte and next_byte >= 0x30 and next_byte <= 0x39
  return string.format(digit_follows and "\\%03d" or "\\%d", byte)
end

-- `text` safe to print inside one line of a terminal: the C0 controls, DEL, the C1 controls (as
-- UTF-8 encodes them: a terminal may take U+009B for CSI) and bytes that are not UTF-8 are written
-- as Lua escapes (\n, \r, \t, \27, \194\155, ...); other characters, UTF-8 included, stay as they
-- are. With `quoted`, " and \ are escaped too, for text shown between double quotes.
function M.escape(text, quoted)
  local parts = {}
  local i, size = 1, #text
  while i <= size do
    local length, code = utf8_char_at(text, i)
    if not length then
      parts[#parts + 1] = decimal_escape(text:byte(i), text:byte(i + 1))
      i = i + 1
    elseif code < 0x20 or code == 0x7F or (code >= 0x80 and code <= 0x9F) then
      if NAMED_ESCAPES[code] then
        parts[#parts + 1] = NAMED_ESCAPES[code]
      else
        for k = i, i + length - 1 do
          parts[#parts + 1] = decimal_escape(text:byte(k), text:byte(k + 1))
        end
      end
      i = i + length
    else
      local char = text:sub(i, i + length - 1)
      if quoted and (char == '"' or char == "\\") then
        char = "\\" .. char
      end
      parts[#parts + 1] = char
      i = i + length
    end
  end
  return table.concat(parts)
end

-- The first at most `limit` bytes of `text`, not cutting a UTF-8 character in two, and the
-- number of bytes left out.
function M.cut(text, limit)
  if #text <= limit then
    return text, 0
  end
  local stop = limit
  local i = 1
  while i <= limit do
    local length = utf8_char_at(text, i) or 1
    if i + length - 1 > limit then
      stop = i - 1
      break
    end
    i = i + length
  end
  return text:sub(1, stop), #text - stop
end

-- Text the spec wrote, as a message quotes it: escaped (see escape), and cut after
-- SPEC_TEXT_LIMIT bytes with the count of the rest.
function M.spec_text(text)
  local shown, left_out = M.cut(text, M.SPEC_TEXT_LIMIT)
  local escaped = M.escape(shown)
  if left_out > 0 then
    escaped = escaped .. string.format("... (%d more bytes)", left_out)
  end
  return escaped
end

return M
