-- User errors: raised as tables so the host prints them as they are, without a traceback.
-- Anything raised any other way is a generator bug and gets one.
local M = {}

local user_error = {}
user_error.__index = user_error
user_error.__tostring = function(e) return e.message end

-- Raise a user error whose whole text is `message`.
function M.raise(message)
  error(setmetatable({ message = message }, user_error), 0)
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

return M
