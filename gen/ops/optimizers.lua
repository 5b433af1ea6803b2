-- Optimizers (docs/math.md): the state each keeps in <name>_train_state and the update
-- that <name>_train_step applies after backward.
--   sgd:      p -= lr grad
--   momentum: v = beta v + grad; p -= lr v
--   adam:     m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
--             p -= lr (m / (1-b1^t)) / (sqrt(v / (1-b2^t)) + eps), t counting steps from 1
--             (1-b^t kept in the real type as c = (1-b) + b c: see update)
local emit = require("emit")
local tensors = require("ops.tensors")

local M = {}

-- Lines of the optimizer's fields in the train-state struct.
function M.state_fields(plan)
  local kind = plan.model.optimizer.type
  if kind == "momentum" then
    return { plan.name .. "_params velocity; /* v */" }
  elseif kind == "adam" or kind == "adamw" then
    return {
      plan.name .. "_params first_moment;  /* m */",
      plan.name .. "_params second_moment; /* v */",
      "unsigned long step;            /* t: updates done so far */",
      plan.real .. " correction1, correction2; /* 1 - beta1^t, 1 - beta2^t */",
    }
  end
  return {}
end

-- Whether train_step applies sgd inside a second, fused backward (dense layers only, and no
-- weight decay: each gradient element goes straight into its parameter as it is formed).
function M.fuses_into_backward(plan)
  local opt = plan.model.optimizer
  if opt.type ~= "sgd" or opt.weight_decay > 0 then
    return false
  end
  for _, layer in ipairs(plan.layers) do
    if layer.kind ~= "dense" then
      return false
    end
  end
  return true
end

-- Body of the static update function `<name>_update(p, s)`, after a plain backward: momentum,
-- adam, adamw, and sgd where it does not fuse into backward. Weight decay (PyTorch's): sgd,
-- momentum and adam add weight_decay * p to the gradient; adamw first shrinks p by
-- lr * weight_decay * p, then takes the Adam step. It applies to W, b, gamma and beta, never to
-- batchnorm's running statistics, which are not trained.
function M.update(buf, plan)
  local opt = plan.model.optimizer
  local real = plan.real
  local lit = function(x) return emit.literal(x, plan.dtype) end
  local one_minus = function(x) return emit.one_minus(x, plan.dtype) end
  assert(not M.fuses_into_backward(plan), "this sgd is fused into backward")
  local coupled = opt.type ~= "adamw" and opt.weight_decay > 0
  -- the gradient the update uses, with weight decay added where it is coupled
  local function gradient(t, i, tensor)
    local g = "s->grad." .. t .. i
    if coupled and tensor.decays then
      return string.format("(%s + %s * p->%s%s)", g, lit(opt.weight_decay), t, i)
    end
    return g
  end
  if opt.type == "sgd" then
    tensors.each(buf, plan, function(t, i, _, tensor)
      return { string.format("p->%s%s -= %s * %s;", t, i, lit(opt.lr), gradient(t, i, tensor)) }
    end)
  elseif opt.type == "momentum" then
    tensors.each(buf, plan, function(t, i, _, tensor)
      local v = "s->velocity." .. t .. i
      return {
        string.format("%s = %s * %s + %s;", v, lit(opt.beta), v, gradient(t, i, tensor)),
        string.format("p->%s%s -= %s * %s;", t, i, lit(opt.lr), v),
      }
    end)
  else
    -- The bias corrections 1 - beta^t in the model's real type, by the recurrence
    -- c = (1 - beta) + beta c from c = 0 (train_state_init): the moment update itself applied to a
    -- gradient of 1, so that a constant gradient is estimated exactly whatever the rounding of the
    -- constants, and with no cancellation (1 - beta^t as a difference lost 4 digits of float at
    -- t = 1 for beta2 = 0.999). A pow() per step cost 6500 instructions of soft-float on a
    -- Cortex-M4F, and beta^t kept in double 300 more per step plus the soft double code.
    local c1 = "s->correction1"
    local c2 = "s->correction2"
    buf:line("s->step += 1;")
    buf:line("%s = %s + %s * %s;", c1, one_minus(opt.beta1), lit(opt.beta1), c1)
    buf:line("%s = %s + %s * %s;", c2, one_minus(opt.beta2), lit(opt.beta2), c2)
    buf:line("const %s correction1 = %s, correction2 = %s;", real, c1, c2)
    tensors.each(buf, plan, function(t, i, _, tensor)
      local m = "s->first_moment." .. t .. i
      local v = "s->second_moment." .. t .. i
      local decoupled = {}
      if opt.type == "adamw" and opt.weight_decay > 0 and tensor.decays then
        -- in double the product as written, which the compiler folds to exactly the double
        -- computed here, because the shortest text of that double can be a rounding artefact
        -- (0.0238 * 0.166 = 0.003950800000000001); in float the nearest float prints short
        local shrink = plan.dtype == "double"
          and string.format("(%s * %s)", lit(opt.lr), lit(opt.weight_decay))
          or lit(opt.lr * opt.weight_decay)
        decoupled[1] = string.format("p->%s%s -= %s * p->%s%s;", t, i, shrink, t, i)
      end
      local g = gradient(t, i, tensor)
      if g:sub(1, 1) == "(" then -- used twice below: form it once
        decoupled[#decoupled + 1] = string.format("const %s g = %s;", real, g)
        g = "g"
      end
      return table.move({
        string.format("%s = %s * %s + %s * %s;", m, lit(opt.beta1), m, one_minus(opt.beta1), g),
        string.format("%s = %s * %s + %s * %s * %s;", v, lit(opt.beta2), v, one_minus(opt.beta2), g, g),
        -- fabs: v / correction2 is never negative, and telling the compiler so drops the call
        -- to the library's sqrt that C's errno rules make it keep for negative arguments
        string.format("p->%s%s -= %s * (%s / correction1) / (sqrt%s(fabs%s(%s / correction2)) + %s);",
          t, i, lit(opt.lr), m, plan.fn_suffix, plan.fn_suffix, v, lit(opt.eps)),
      }, 1, 3, #decoupled + 1, decoupled)
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
