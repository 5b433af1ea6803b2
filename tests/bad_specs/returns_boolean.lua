-- Returns a boolean.
return true
