-- Recursion through string.gsub callbacks.
local function expand(s) return (s:gsub(".", expand)) end
return expand("ab")
