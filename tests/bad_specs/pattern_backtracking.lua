-- Exponential backtracking inside one C call (string.find): only the CPU timer can stop it.
local s = string.rep("a", 100000)
return s:find(string.rep("a*", 20) .. "b")
