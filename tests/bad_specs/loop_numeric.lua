-- A numeric for loop that never ends in practice.
local x = 0
for i = 1, math.maxinteger do x = x + i end
