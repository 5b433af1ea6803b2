-- Many distinct strings: filling 64 MiB this way takes about as long as the CPU limit, so either stops it.
local t = {}
for i = 1, 10^8 do t[i] = "key" .. i end
