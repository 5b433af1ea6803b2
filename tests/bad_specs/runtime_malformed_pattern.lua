-- A runtime error raised inside a string library function.
local n = string.find("relu", "[a")
