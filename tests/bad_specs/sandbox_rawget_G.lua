-- Looking for io behind rawget.
local io_library = rawget(_G, "io")
return io_library.open("/etc/passwd")
