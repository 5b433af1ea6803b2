-- An unfinished string with an escape sequence in it: Lua's message quotes the string, escaped.
local x = "abc[2J
