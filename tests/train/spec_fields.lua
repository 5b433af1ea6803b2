-- tests/train/spec_fields.lua SPEC.lua: print the fields of a trusted spec (one of ours: plainly
-- dofile'd, not sandboxed) with the docs/spec.md defaults applied, as `key value...`
-- lines, for compare_torch.py to build the same network in PyTorch.
local spec = dofile(arg[1])

local OPTIMIZER_DEFAULTS = {
  sgd = { lr = 0.01 },
  momentum = { lr = 0.01, beta = 0.9 },
  adam = { lr = 0.001, beta1 = 0.9, beta2 = 0.999, eps = 1e-8 },
}

local function num(x)
  return string.format("%.17g", x)
end

print("name " .. spec.name)
print("input " .. spec.input)
print("batch " .. spec.batch)
print("loss " .. spec.loss)
print("dtype " .. (spec.dtype or "float"))
for _, layer in ipairs(spec.layers) do
  local alpha = layer.activation == "leaky_relu" and (layer.alpha or 0.01) or 0
  print("layer " .. layer.units .. " " .. layer.activation .. " " .. num(alpha))
end
local optimizer = spec.optimizer or { type = "sgd" }
local kind = optimizer.type or "sgd"
local line = "optimizer " .. kind
for _, key in ipairs({ "lr", "beta", "beta1", "beta2", "eps" }) do
  local default = OPTIMIZER_DEFAULTS[kind][key]
  if default then
    line = line .. " " .. key .. "=" .. num(optimizer[key] or default)
  end
end
print(line)
local init = spec.init or {}
print("init " .. (init.scheme or "xavier") .. " " .. (init.seed or 1))
