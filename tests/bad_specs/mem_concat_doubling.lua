-- A string that doubles on every step.
local s = "x"
while true do s = s .. s end
