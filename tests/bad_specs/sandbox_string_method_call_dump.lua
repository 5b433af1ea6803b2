-- string.dump as a method call.
local code = ("spec"):dump()
