-- A bare table is not a statement: the chunk must `return` it.
{ name = "victim", input = 2 }
