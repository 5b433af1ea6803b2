-- Returns a number.
return 42
