-- Builds a table and forgets to return it.
local spec = { name = "victim", input = 2, batch = 4 }
