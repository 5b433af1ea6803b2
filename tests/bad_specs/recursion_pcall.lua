-- Recursion through pcall (a C function): the C stack limit, re-raised.
local function deeper()
  local ok, err = pcall(deeper)
  error(err, 0)
end
deeper()
