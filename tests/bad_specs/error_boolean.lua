-- error() with a boolean.
error(false)
