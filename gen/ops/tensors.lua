-- Walks the trainable parameter tensors in net_params order, emitting one loop nest per tensor
-- around an elementwise statement. Optimizers and the SGD step share it. A dense layer's W and b
-- share their row loop (b[r] after the row of W[r][k]); other tensors get a nest of their own.
local M = {}

local INDEX_NAMES = { { "r" }, { "r", "k" }, { "r", "q", "k" }, { "r", "q", "i", "k" } }

-- `statements(tensor_name, index, layer, tensor)` returns the C statements (a list) for one
-- element, given the tensor's name and its index text ("[r][k]", "[r]", ...).
function M.each(buf, plan, statements)
  for _, layer in ipairs(plan.layers) do
    if layer.kind == "dense" then
      buf:loop("r", 0, layer.n_out)
      buf:loop("k", 0, layer.n_in)
      for _, line in ipairs(statements(layer.W, "[r][k]", layer, layer.tensors[1])) do
        buf:line(line)
      end
      buf:close()
      for _, line in ipairs(statements(layer.b, "[r]", layer, layer.tensors[2])) do
        buf:line(line)
      end
      buf:close()
    else
      for _, tensor in ipairs(layer.tensors) do
        if tensor.trainable then
          local names = INDEX_NAMES[#tensor.dims]
          for d, size in ipairs(tensor.dims) do
            buf:loop(names[d], 0, size)
          end
          for _, line in ipairs(statements(tensor.name, "[" .. table.concat(names, "][") .. "]", layer, tensor)) do
            buf:line(line)
          end
          for _ = 1, #tensor.dims do
            buf:close()
          end
        end
      end
    end
  end
end

return M
