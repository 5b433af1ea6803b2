-- The simplest endless loop.
while true do end
