-- Optimizers (CONTRACT.md section 4): the state each keeps in <name>_train_state and the update
-- that <name>_train_step applies after backward.
--   sgd:      p -= lr grad
--   momentum: v = beta v + grad; p -= lr v
--   adam:     m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
--             p -= lr (m / (1-b1^t)) / (sqrt(v / (1-b2^t)) + eps), t counting steps from 1
local emit = require("emit")
local tensors = require("ops.tensors")

local M = {}

-- Lines of the optimizer's fields in the train-state struct.
function M.state_fields(plan)
  local kind = plan.model.optimizer.type
  if kind == "momentum" then
    return { plan.name .. "_params velocity; /* v */" }
  elseif kind == "adam" then
    return {
      plan.name .. "_params first_moment;  /* m */",
      plan.name .. "_params second_moment; /* v */",
      "unsigned long step;            /* t: updates done so far */",
      "double beta1_power, beta2_power; /* beta1^t, beta2^t (products: no pow() per step) */",
    }
  end
  return {}
end

-- Body of the static update function `<name>_update(p, s)`, for momentum and adam (train_step
-- applies sgd inside its fused backward).
function M.update(buf, plan)
  local opt = plan.model.optimizer
  local real = plan.real
  local lit = function(x) return emit.literal(x, plan.dtype) end
  assert(opt.type ~= "sgd", "sgd is fused into backward (coder.update_kernel)")
  if opt.type == "momentum" then
    tensors.each(buf, plan, function(t, i)
      local v = "s->velocity." .. t .. i
      return {
        string.format("%s = %s * %s + s->grad.%s%s;", v, lit(opt.beta), v, t, i),
        string.format("p->%s%s -= %s * %s;", t, i, lit(opt.lr), v),
      }
    end)
  else
    -- beta^t as running products in double (exact to an ulp per step): a pow() per step cost
    -- 6500 instructions of soft-float on a Cortex-M4F, three quarters of xor's train step
    local beta1, beta2 = emit.literal(opt.beta1, "double"), emit.literal(opt.beta2, "double")
    buf:line("s->step += 1;")
    buf:line("s->beta1_power = s->step == 1 ? %s : s->beta1_power * %s;", beta1, beta1)
    buf:line("s->beta2_power = s->step == 1 ? %s : s->beta2_power * %s;", beta2, beta2)
    buf:line("const %s correction1 = (%s)(1.0 - s->beta1_power);", real, real)
    buf:line("const %s correction2 = (%s)(1.0 - s->beta2_power);", real, real)
    tensors.each(buf, plan, function(t, i)
      local g = "s->grad." .. t .. i
      local m = "s->first_moment." .. t .. i
      local v = "s->second_moment." .. t .. i
      return {
        string.format("%s = %s * %s + %s * %s;", m, lit(opt.beta1), m, lit(1 - opt.beta1), g),
        string.format("%s = %s * %s + %s * %s * %s;", v, lit(opt.beta2), v, lit(1 - opt.beta2), g, g),
        string.format("p->%s%s -= %s * (%s / correction1) / (sqrt%s(%s / correction2) + %s);",
          t, i, lit(opt.lr), m, plan.fn_suffix, v, lit(opt.eps)),
      }
    end)
  end
end

-- Body of `<name>_sgd_step(p, grad, lr)`.
function M.sgd_step(buf, plan)
  tensors.each(buf, plan, function(t, i)
    return { string.format("p->%s%s -= lr * grad->%s%s;", t, i, t, i) }
  end)
end

return M
