-- Randomness would make the output differ from run to run.
local units = math.random(1, 10)
