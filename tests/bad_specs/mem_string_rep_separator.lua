-- string.rep with a separator: 10^7 * 11 bytes.
local s = string.rep("x", 10^7, "yyyyyyyyyy")
