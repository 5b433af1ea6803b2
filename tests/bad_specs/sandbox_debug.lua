-- The debug library (registry, upvalues, hooks).
local registry = debug.getregistry()
