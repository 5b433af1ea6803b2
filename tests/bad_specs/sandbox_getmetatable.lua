-- The string metatable's __index is the real string library.
local real_string = getmetatable("").__index
