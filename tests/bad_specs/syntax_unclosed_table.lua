-- The table is never closed: the parser reaches the end of the file inside a field list.
return {
  name = "victim",
