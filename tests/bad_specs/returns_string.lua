-- Returns the name instead of the spec.
return "victim"
