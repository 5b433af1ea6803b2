-- Metatables (a __gc or __index could run code after the spec's limits are lifted).
local t = setmetatable({}, { __gc = function() while true do end end })
