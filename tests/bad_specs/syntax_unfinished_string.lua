-- A string that runs into the end of its line.
return { name = "victim }
