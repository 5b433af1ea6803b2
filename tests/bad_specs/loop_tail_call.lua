-- Endless tail calls: no stack growth, only time.
local function again(n) return again(n + 1) end
return again(1)
