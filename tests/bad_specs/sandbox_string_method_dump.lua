-- string.dump through the string metatable.
local code = ("").dump(function() return 1 end)
