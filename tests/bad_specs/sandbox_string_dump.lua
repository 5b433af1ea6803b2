-- string.dump (bytecode out, and with it a way to forge bytecode).
local code = string.dump(function() return 1 end)
