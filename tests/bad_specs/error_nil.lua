-- error() with no value at all.
error()
