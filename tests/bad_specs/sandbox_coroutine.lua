-- A coroutine would run outside the instruction hook.
local co = coroutine.wrap(function() while true do end end)
