-- Walks the parameter tensors (W1, b1, W2, b2, ...) in net_params order, emitting one loop nest
-- per tensor around an elementwise statement. Optimizers, init and the SGD step share it.
local M = {}

-- `statements(tensor, index, layer)` returns the C statements (a list) for one element, given the
-- tensor's name and "[r][k]" or "[r]".
function M.each(buf, plan, statements)
  for _, layer in ipairs(plan.layers) do
    buf:loop("r", 0, layer.n_out)
    buf:loop("k", 0, layer.n_in)
    for _, line in ipairs(statements(layer.W, "[r][k]", layer)) do
      buf:line(line)
    end
    buf:close()
    for _, line in ipairs(statements(layer.b, "[r]", layer)) do
      buf:line(line)
    end
    buf:close()
  end
end

return M
