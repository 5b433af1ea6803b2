-- An endless loop in a callback run by C (string.gsub).
string.gsub(string.rep("a", 100), "a", function() while true do end end)
