-- The architecture identity of a network, shared by weights files and the generated code: input,
-- each layer's units, activation and alpha, and dtype. Batch, loss, optimizer, init and unroll are
-- left out, so weights trained at one batch size load into a build at another.
local emit = require("emit")

local M = {}

M.FNV_OFFSET = 0xcbf29ce484222325
local FNV_PRIME = 0x100000001b3

-- FNV-1a 64 of `text`, continuing from `hash` (Lua integers wrap like uint64_t).
function M.fnv1a64(text, hash)
  hash = hash or M.FNV_OFFSET
  for i = 1, #text do
    hash = (hash ~ text:byte(i)) * FNV_PRIME
  end
  return hash
end

function M.text(plan)
  local parts = { "gradc-arch-1", "input=" .. plan.inputs, "dtype=" .. plan.dtype }
  for _, layer in ipairs(plan.layers) do
    local text = string.format("layer=%d,%s", layer.n_out, layer.activation)
    if layer.alpha then
      text = text .. ",alpha=" .. emit.shortest(layer.alpha)
    end
    parts[#parts + 1] = text
  end
  return table.concat(parts, ";")
end

function M.hash(plan)
  return M.fnv1a64(M.text(plan))
end

return M
