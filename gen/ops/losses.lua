-- Losses: the cost J of a batch (docs/math.md) and dJ/dZ of the last layer.
-- bce and ce are computed from the logits Z, never as the log of a rounded activation:
--   bce per element: softplus(z) - y z                      (= -[y log a + (1-y) log(1-a)])
--   ce per column:   sum_i y_i (max - z_i + log sum_k exp(z_k - max))
-- J is the sum of these terms over the batch times 1/m. Each term is scaled by 1/m before it is
-- added, not the sum after: the terms are never negative, so no partial sum exceeds J, and J
-- overflows only where its exact value does (a batch of 4 logits of 3e38 summed first was inf).
local activations = require("ops.activations")
local reduce = require("kernels.reduce")
local emit = require("emit")

local M = {}

-- Body of `<name>_cost`: `Z`, `A`, `Y` are [unit][sample] arrays; returns J.
function M.cost(buf, plan, v, batch)
  local real, lit, f = plan.real, function(x) return emit.literal(x, plan.dtype) end, plan.fn_suffix
  local n = plan.last.n_out
  local loss = plan.model.loss
  local inv_m = emit.ratio(1, batch, plan.dtype)
  buf:line("%s total = %s;", real, lit(0))
  if loss == "ce" then
    buf:loop("j", 0, batch)
    buf:line("%s top = %s[0][j];", real, v.Z)
    buf:loop("i", 1, n)
    buf:line("if (%s[i][j] > top) top = %s[i][j];", v.Z, v.Z)
    buf:close()
    buf:line("%s sum_exp = %s;", real, lit(0))
    buf:loop("i", 0, n)
    buf:line("sum_exp += %s(%s[i][j] - top);", activations.exp_nonpositive(plan), v.Z)
    buf:close()
    -- max - z_i reaches 2 FLT_MAX (logits of -3e38 and 3e38 in one column): it is formed from
    -- halves, which are exact, and doubled back through 2/m; y_i goes in first, so that a y_i of
    -- 0 gives 0 and never 0 x inf
    buf:line("const %s half_log_sum = %s * log%s(sum_exp);", real, lit(0.5), f)
    buf:loop("i", 0, n)
    buf:line("total += (%s[i][j] * %s) * ((%s * top - %s * %s[i][j]) + half_log_sum);", v.Y,
      emit.ratio(2, batch, plan.dtype), lit(0.5), lit(0.5), v.Z)
    buf:close()
    buf:close()
  else
    -- Per element: bce (softplus(z) - y z) / m, mse (a - y) / m (a - y), so that the square itself
    -- is never formed (it overflows for |a - y| > 1.8e19 in float while its mean over the batch
    -- may not). With a wide batch they are summed in LANES partial sums added up in a fixed order
    -- at the end: a single running sum is a serial dependency that clang will not vectorize at
    -- all under strict IEEE rules (seed3's cost took 510 ns instead of 95).
    local function add(target, j)
      if loss == "bce" then
        buf:line("%s += (gradc_softplus%s(%s[i][%s]) - %s[i][%s] * %s[i][%s]) * %s;", target, f, v.Z, j, v.Y, j,
          v.Z, j, inv_m)
      else
        buf:line("%s += (%s[i][%s] - %s[i][%s]) * %s * (%s[i][%s] - %s[i][%s]);", target, v.A, j, v.Y, j, inv_m,
          v.A, j, v.Y, j)
      end
    end
    local lanes = reduce.LANES
    local full = batch - batch % lanes
    if batch < 2 * lanes then
      buf:loop("i", 0, n)
      buf:loop("j", 0, batch)
      add("total", "j")
      buf:close()
      buf:close()
    else
      buf:line("%s lane[%d] = {%s};", real, lanes, lit(0))
      buf:loop("i", 0, n)
      buf:loop("j0", 0, full, lanes)
      buf:loop("j", 0, lanes)
      add("lane[j]", "j0 + j")
      buf:close()
      buf:close()
      if full < batch then
        buf:loop("j", full, batch)
        add("lane[j - " .. full .. "]", "j")
        buf:close()
      end
      buf:close()
      buf:loop("j", 0, lanes)
      buf:line("total += lane[j];")
      buf:close()
    end
  end
  buf:line("return total;")
end

-- dZ of the last layer, with the 1/m of J folded in:
--   bce + sigmoid:  (a - y) / m
--   ce + softmax:   (a sum_i y_i - y) / m       (exact even where a column of Y does not sum to 1)
--   mse:            g'(z) applied to 2 (a - y) / m, through the softmax Jacobian for softmax
function M.output_delta(buf, plan, v, batch)
  local real, lit = plan.real, function(x) return emit.literal(x, plan.dtype) end
  local layer = plan.last
  local n = layer.n_out
  local loss = plan.model.loss
  local inv_m = emit.ratio(1, batch, plan.dtype)
  local two_inv_m = emit.ratio(2, batch, plan.dtype)
  if loss == "bce" then
    buf:loop("i", 0, n)
    buf:loop("j", 0, batch)
    buf:line("%s[i][j] = (%s[i][j] - %s[i][j]) * %s;", v.dZ, v.A, v.Y, inv_m)
    buf:close()
    buf:close()
  elseif loss == "ce" then
    buf:loop("j", 0, batch)
    buf:line("%s y_total = %s;", real, lit(0))
    buf:loop("i", 0, n)
    buf:line("y_total += %s[i][j];", v.Y)
    buf:close()
    buf:loop("i", 0, n)
    buf:line("%s[i][j] = (%s[i][j] * y_total - %s[i][j]) * %s;", v.dZ, v.A, v.Y, inv_m)
    buf:close()
    buf:close()
  elseif layer.activation == "softmax" then
    -- dZ_i = a_i (dA_i - sum_k dA_k a_k) with dA = 2 (a - y) / m
    buf:loop("j", 0, batch)
    buf:line("%s weighted = %s;", real, lit(0))
    buf:loop("i", 0, n)
    buf:line("weighted += (%s[i][j] - %s[i][j]) * %s[i][j];", v.A, v.Y, v.A)
    buf:close()
    buf:loop("i", 0, n)
    buf:line("%s[i][j] = %s * %s[i][j] * ((%s[i][j] - %s[i][j]) - weighted);",
      v.dZ, two_inv_m, v.A, v.A, v.Y)
    buf:close()
    buf:close()
  else
    buf:loop("i", 0, n)
    buf:loop("j", 0, batch)
    local delta = string.format("%s * (%s[i][j] - %s[i][j])", two_inv_m, v.A, v.Y)
    buf:line("%s[i][j] = %s;", v.dZ, activations.backward(plan, layer, delta, v.Z .. "[i][j]", v.A .. "[i][j]"))
    buf:close()
    buf:close()
  end
end

return M
