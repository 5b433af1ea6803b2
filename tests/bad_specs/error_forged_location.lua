-- A message that pretends to come from another file still gets this file's name in front.
error("elsewhere.lua:99: forged location", 0)
