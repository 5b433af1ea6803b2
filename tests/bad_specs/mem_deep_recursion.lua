-- Unbounded non-tail recursion: the Lua stack grows until a limit stops it.
local function deeper() return 1 + deeper() end
return deeper()
