-- Reading a file.
local secret = io.open("/etc/passwd"):read("a")
return { name = "victim" }
