-- lua5.4 tests/cross/refnet.lua SPEC.lua > refnet.h
--
-- The spec as the reference engine's ref_net (tests/ref/ref.h), every docs/spec.md default applied,
-- as `static const ref_net cross_ref_net` (its layers in `cross_ref_net_layers`). The spec has
-- already passed the generator (make cross generates first), so it is valid and its evaluation is
-- bounded.
local path = assert(arg[1], "usage: lua5.4 refnet.lua SPEC.lua")

-- The same globals the generator's sandbox (gen/sandbox.lua) gives a spec.
local env = { string = string, table = table, utf8 = utf8, math = {}, _VERSION = _VERSION }
for key, value in pairs(math) do
  if key ~= "random" and key ~= "randomseed" then
    env.math[key] = value
  end
end
for _, key in ipairs({ "assert", "error", "ipairs", "next", "pairs", "select", "tonumber",
  "tostring", "type", "rawequal", "rawget", "rawlen", "rawset", "pcall", "xpcall" }) do
  env[key] = _G[key]
end
env._G = env
local chunk = assert(loadfile(path, "t", env))
local spec = chunk()

-- Every default applied and the C text written by tests/ref/refspec.lua, the same code that
-- writes the model suite's case headers: v1 specs and v2 ones (input shapes, conv / pool /
-- batchnorm / flatten layers, weight decay, adamw) alike.
local here = arg[0]:match("^(.*)/[^/]*$") or "."
local refspec = dofile(here .. "/../ref/refspec.lua")
local case = refspec.resolve(spec, path)

io.write("/* " .. path:match("[^/]*$") .. " as a ref_net; written by tests/cross/refnet.lua, do not edit. */\n",
  refspec.ref_net_text(case, "cross_ref_net", "cross_ref_net_layers"))
