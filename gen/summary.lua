-- The model summary `make gen` prints: one row per layer, then totals and memory.
local M = {}

local function kib(bytes)
  if bytes < 1024 then
    return string.format("%d B", bytes)
  end
  return string.format("%.1f KiB", bytes / 1024)
end

function M.text(plan)
  local model = plan.model
  local rows = {
    string.format("%s: %s, batch %d, loss %s, optimizer %s", model.name, plan.dtype, plan.batch,
      model.loss, model.optimizer.type),
    string.format("  %-7s %-12s %-11s %12s %14s  %s", "layer", "shape", "activation", "params",
      "FLOPs/batch", "code"),
  }
  for _, layer in ipairs(plan.layers) do
    rows[#rows + 1] = string.format("  %-7d %-12s %-11s %12d %14d  %s", layer.index,
      layer.n_in .. " -> " .. layer.n_out, layer.activation, layer.params, 2 * layer.macs,
      layer.unroll == "full" and "unrolled" or "loops")
  end
  rows[#rows + 1] = string.format("  total: %d parameters (%s), %d FLOPs per forward, %d per train step",
    plan.param_count, kib(plan.bytes.params), plan.flops.forward, plan.flops.train_step)
  rows[#rows + 1] = string.format("  memory: cache %s, backward scratch %s, optimizer state %s, "
    .. "one-sample inference %s", kib(plan.bytes.cache), kib(plan.bytes.scratch),
    kib(plan.bytes.optimizer), kib(plan.bytes.infer))
  return table.concat(rows, "\n") .. "\n"
end

return M
