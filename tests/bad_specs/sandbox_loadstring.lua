-- The Lua 5.1 name of load.
return loadstring("return os")()
