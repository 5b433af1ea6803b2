-- error() with a string: Lua adds the position.
local wanted = false
if not wanted then error("no network for you") end
