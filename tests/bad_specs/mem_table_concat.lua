-- Many small strings joined into one.
local parts = {}
for i = 1, 10^7 do parts[i] = "abcdefgh" end
return table.concat(parts)
