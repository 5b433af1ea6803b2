-- assert with a message: Lua 5.4 raises it with the position of the call.
assert(1 == 2, "the spec refuses")
