-- Indexing through a missing field.
local config = {}
return { name = "victim", input = config.sizes.input }
