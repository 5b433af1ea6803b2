-- error() with a function.
error(function() return "not called" end)
