-- Returns a function that would build the spec: never called.
return function() return { name = "victim" } end
