-- assert without a message.
assert(false)
