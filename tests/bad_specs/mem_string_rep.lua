-- One 1 GiB string.
local s = string.rep("x", 2^30)
