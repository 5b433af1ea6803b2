-- An endless loop that allocates (and frees) a table per iteration.
while true do local t = { 1, 2, 3 } end
