-- Running another file.
return dofile("/etc/passwd")
