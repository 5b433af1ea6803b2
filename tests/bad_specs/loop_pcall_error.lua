-- Endless cheap pcalls of error.
while true do pcall(error, "again") end
