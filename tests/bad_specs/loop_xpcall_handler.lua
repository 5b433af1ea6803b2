-- The endless loop is in xpcall's message handler.
xpcall(function() error("first") end, function() while true do end end)
