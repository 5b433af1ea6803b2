-- Compiling code at run time.
return load("return os")()
