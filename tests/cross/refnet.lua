-- lua5.4 tests/cross/refnet.lua SPEC.lua > refnet.h
--
-- The spec as the reference engine's ref_net (tests/ref/ref.h), every docs/spec.md default applied,
-- as `static const ref_net cross_ref_net`. The spec has already passed the generator (make cross
-- generates first), so it is valid and its evaluation is bounded.
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

-- The shortest decimal text that reads back as exactly x, as a C double literal.
local function number(x)
  x = x + 0.0
  for digits = 1, 17 do
    local text = string.format("%." .. digits .. "g", x)
    if tonumber(text) == x then
      return text:find("[%.e]") and text or text .. ".0"
    end
  end
  return string.format("%.17g", x)
end

local function integer(x)
  return string.format("%d", math.tointeger(x))
end

local function enum(text)
  return "REF_" .. text:upper()
end

local optimizer = spec.optimizer or { type = "sgd" }
local defaults = {
  sgd = { lr = 0.01 },
  momentum = { lr = 0.01, beta = 0.9 },
  adam = { lr = 0.001, beta1 = 0.9, beta2 = 0.999, eps = 1e-8 },
}
local function hyper(key)
  local value = optimizer[key]
  if value == nil then
    value = defaults[optimizer.type][key] or 0
  end
  return number(value)
end

local units, activations, alphas = {}, {}, {}
for l, layer in ipairs(spec.layers) do
  units[l] = integer(layer.units)
  activations[l] = enum(layer.activation)
  alphas[l] = number(layer.alpha or 0.01)
end
local init = spec.init or {}

io.write(table.concat({
  "/* " .. path:match("[^/]*$") .. " as a ref_net; written by tests/cross/refnet.lua, do not edit. */",
  "static const ref_net cross_ref_net = {",
  string.format("    .name = %q,", spec.name),
  string.format("    .input = %s, .batch = %s, .layers = %d,", integer(spec.input), integer(spec.batch),
    #spec.layers),
  "    .units = {" .. table.concat(units, ", ") .. "},",
  "    .activation = {" .. table.concat(activations, ", ") .. "},",
  "    .alpha = {" .. table.concat(alphas, ", ") .. "},",
  string.format("    .loss = %s,", enum(spec.loss)),
  string.format("    .optimizer = {.kind = %s, .lr = %s, .beta = %s, .beta1 = %s, .beta2 = %s, .eps = %s},",
    enum(optimizer.type), hyper("lr"), hyper("beta"), hyper("beta1"), hyper("beta2"), hyper("eps")),
  string.format("    .dtype = %s,", enum(spec.dtype or "float")),
  string.format("    .init = %s, .init_seed = %sul,", enum(init.scheme or "xavier"), integer(init.seed or 1)),
  string.format("    .unroll = %q,", spec.unroll or "auto"),
  "};",
  "",
}, "\n"))
