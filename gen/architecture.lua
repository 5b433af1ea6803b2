-- The architecture identity of a network, shared by weights files and the generated code: input,
-- each layer's units, activation and alpha, and dtype. Batch, loss, optimizer, init and unroll are
-- left out, so weights trained at one batch size load into a build at another.
local emit = require("emit")
local host = require("gradc.host")

local M = {}

local FNV_OFFSET = 0xcbf29ce484222325

-- FNV-1a 64 of `text` (a Lua integer holding the uint64_t bits). The host computes it in C: a
-- weights file's checksum covers up to 64 MiB, too many bytes for a Lua loop.
function M.fnv1a64(text)
  return host.fnv1a64(text, FNV_OFFSET)
end

local shape = require("ops.shape")

local function dims(pair, rank)
  return rank == 1 and tostring(pair[2]) or (pair[1] .. "x" .. pair[2])
end

local function activation_text(layer)
  local text = layer.activation
  if layer.alpha then
    text = text .. ",alpha=" .. emit.shortest(layer.alpha)
  end
  return text
end

-- One spec layer of a network that uses more than dense layers: its type and every field that
-- changes the parameters or the math of inference.
local function layer_text(layer)
  local kind = layer.kind
  if kind == "dense" then
    return string.format("layer=%d,%s", layer.units, activation_text(layer))
  elseif kind == "conv1d" or kind == "conv2d" then
    local pads = {}
    for d = layer.rank == 2 and 1 or 2, 2 do
      pads[#pads + 1] = layer.pad[d][1] .. "+" .. layer.pad[d][2]
    end
    return string.format("%s=%d,k%s,s%s,p%s,d%s,g%d,%s,%s", kind, layer.filters,
      dims(layer.kernel, layer.rank), dims(layer.stride, layer.rank), table.concat(pads, "x"),
      dims(layer.dilation, layer.rank), layer.groups, layer.bias and "bias" or "nobias",
      activation_text(layer))
  elseif kind == "global_avgpool" or kind == "flatten" then
    return kind
  elseif kind == "batchnorm" then
    return string.format("batchnorm=eps%s,%s", emit.shortest(layer.eps), activation_text(layer))
  end
  return string.format("%s=k%s,s%s", kind, dims(layer.window, layer.rank), dims(layer.stride, layer.rank))
end

-- A network of dense layers on a flat input keeps the text of version 1, so that its weights
-- files stay valid; any other network names every layer's type and fields, and its input shape.
function M.text(plan)
  local model = plan.model
  local v1 = not shape.is_spatial(model.input_shape) and not model.standardize
  for _, layer in ipairs(model.layers) do
    v1 = v1 and layer.kind == "dense"
  end
  if v1 then
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
  local parts = { "gradc-arch-2", "input=" .. shape.text(model.input_shape), "dtype=" .. plan.dtype }
  if model.standardize then
    parts[#parts + 1] = "standardize" -- input_mean and input_inv_scale lead net_params
  end
  for _, layer in ipairs(model.layers) do
    parts[#parts + 1] = layer_text(layer)
  end
  return table.concat(parts, ";")
end

function M.hash(plan)
  return M.fnv1a64(M.text(plan))
end

return M
