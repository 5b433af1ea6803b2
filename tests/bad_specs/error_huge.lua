-- A megabyte of error text: the message quotes the first 300 bytes and counts the rest.
error(string.rep("x", 1000000))
