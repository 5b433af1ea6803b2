-- A to-be-closed variable needs a __close metamethod, which a spec cannot give a value.
local x <close> = "spec"
return { name = "victim" }
