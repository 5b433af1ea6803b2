-- string.gsub that replaces each byte of 1 MB by 100 bytes.
local s = string.rep("x", 10^6):gsub("x", string.rep("y", 100))
