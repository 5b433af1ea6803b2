-- pcall must not swallow the limit: an endless loop of endless loops, each inside pcall.
while true do
  pcall(function() while true do end end)
end
