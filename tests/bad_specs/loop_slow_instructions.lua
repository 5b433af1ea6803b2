-- An endless loop of slow instructions (a C call each): the CPU timer fires before the count.
local x = 0
while true do x = math.sin(x) end
