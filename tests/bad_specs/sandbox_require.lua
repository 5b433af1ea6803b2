-- Loading a module.
local lfs = require("lfs")
