-- The same inside string.gmatch.
for word in string.gmatch(string.rep("a", 100000), string.rep("a-", 20) .. "b") do end
