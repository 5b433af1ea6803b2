-- Optimizers (docs/math.md), one record each: the spec fields with their defaults and ranges
-- (spec.lua validates against them), the train-state fields and their size (the header and
-- plan.lua), the one-line description, and the update that <name>_train_step applies after
-- backward, element by element over the trainable tensors.
--   sgd:      p -= lr g
--   momentum: v = beta v + g; p -= lr v
--   adam:     m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
--             p -= lr (m / (1-b1^t)) / (sqrt(v / (1-b2^t)) + eps), t counting steps from 1
--             (1-b^t kept in the real type as c = (1-b) + b c: see adam_step)
--   adamw:    p -= lr weight_decay p, then the adam step
-- Weight decay (PyTorch's): sgd, momentum and adam add weight_decay * p to g; adamw decays p
-- itself ("decoupled"). It applies to W, b, gamma and beta, never to batchnorm's running
-- statistics, which are not trained.
-- A learning-rate schedule (ops/schedules.lua) replaces the constant lr by the step's lr_t in
-- every update above, adamw's decay included.
local emit = require("emit")
local schedules = require("ops.schedules")
local tensors = require("ops.tensors")

local M = {}

-- Field ranges, as spec.lua checks them: `accept` and the words of the message.
M.RANGES = {
  positive = { accept = function(x) return x > 0 end, expected = "a number > 0" },
  non_negative = { accept = function(x) return x >= 0 end, expected = "a number >= 0" },
  below_one = { accept = function(x) return x >= 0 and x < 1 end, expected = "a number in [0, 1)",
    float_below_one = true },
}

local function adam_fields(weight_decay)
  return {
    { name = "lr", default = 0.001, range = "positive" },
    { name = "beta1", default = 0.9, range = "below_one" },
    { name = "beta2", default = 0.999, range = "below_one" },
    { name = "eps", default = 1e-8, range = "positive" },
    { name = "weight_decay", default = weight_decay, range = "non_negative" },
  }
end

local ADAM_STATE = {
  "_params first_moment;  /* m */",
  "_params second_moment; /* v */",
  "unsigned long step;            /* t: updates done so far */",
  "_real correction1, correction2; /* 1 - beta1^t, 1 - beta2^t */",
}

-- `statements(opt, lit, names)` gives the update of one element: names.p (the parameter),
-- names.g (its gradient, weight decay added where coupled), names.state(field) (its state),
-- names.lr (the step's learning rate: the literal, or the schedule's `lr`);
-- `before(buf, opt, lit)` runs once per step first.
local function adam_statements(opt, lit, x)
  local m, v = x.state("first_moment"), x.state("second_moment")
  local one_minus = function(b) return emit.one_minus(b, x.dtype) end
  return {
    string.format("%s = %s * %s + %s * %s;", m, lit(opt.beta1), m, one_minus(opt.beta1), x.g),
    string.format("%s = %s * %s + %s * %s * %s;", v, lit(opt.beta2), v, one_minus(opt.beta2), x.g, x.g),
    -- fabs: v / correction2 is never negative, and telling the compiler so drops the call
    -- to the library's sqrt that C's errno rules make it keep for negative arguments
    string.format("%s -= %s * (%s / correction1) / (sqrt%s(fabs%s(%s / correction2)) + %s);",
      x.p, x.lr, m, x.fn_suffix, x.fn_suffix, v, lit(opt.eps)),
  }
end

-- The bias corrections 1 - beta^t in the model's real type, by the recurrence
-- c = (1 - beta) + beta c from c = 0 (train_state_init): the moment update itself applied to a
-- gradient of 1, so that a constant gradient is estimated exactly whatever the rounding of the
-- constants, and with no cancellation (1 - beta^t as a difference lost 4 digits of float at
-- t = 1 for beta2 = 0.999). A pow() per step cost 6500 instructions of soft-float on a
-- Cortex-M4F, and beta^t kept in double 300 more per step plus the soft double code.
local function adam_step(buf, opt, lit, plan)
  local one_minus = function(b) return emit.one_minus(b, plan.dtype) end
  buf:line("s->step += 1;")
  buf:line("s->correction1 = %s + %s * s->correction1;", one_minus(opt.beta1), lit(opt.beta1))
  buf:line("s->correction2 = %s + %s * s->correction2;", one_minus(opt.beta2), lit(opt.beta2))
  buf:line("const %s correction1 = s->correction1, correction2 = s->correction2;", plan.real)
end

M.RECORDS = {
  {
    type = "sgd",
    fields = { { name = "lr", default = 0.01, range = "positive" },
      { name = "weight_decay", default = 0, range = "non_negative" } },
    state = {}, state_copies = 0, step_bytes = 0,
    statements = function(opt, lit, x)
      return { string.format("%s -= %s * %s;", x.p, x.lr, x.g) }
    end,
  },
  {
    type = "momentum",
    fields = { { name = "lr", default = 0.01, range = "positive" },
      { name = "beta", default = 0.9, range = "below_one" },
      { name = "weight_decay", default = 0, range = "non_negative" } },
    state = { "_params velocity; /* v */" }, state_copies = 1, step_bytes = 0,
    statements = function(opt, lit, x)
      local v = x.state("velocity")
      return {
        string.format("%s = %s * %s + %s;", v, lit(opt.beta), v, x.g),
        string.format("%s -= %s * %s;", x.p, x.lr, v),
      }
    end,
  },
  -- adam also keeps its step count and corrections (at most 32 bytes with padding)
  { type = "adam", fields = adam_fields(0), state = ADAM_STATE, state_copies = 2, step_bytes = 32,
    before = adam_step, statements = adam_statements },
  { type = "adamw", fields = adam_fields(0.01), state = ADAM_STATE, state_copies = 2, step_bytes = 32,
    decoupled_decay = true, before = adam_step, statements = adam_statements },
}

M.BY_TYPE = {}
M.TYPES = {}
for i, record in ipairs(M.RECORDS) do
  M.BY_TYPE[record.type] = record
  M.TYPES[i] = record.type
end

function M.record(plan)
  return M.BY_TYPE[plan.model.optimizer.type]
end

-- Whether the optimizer counts its steps itself (adam's bias corrections need t); a schedule
-- adds the count to the others' state.
local function counts_steps(record)
  return record.step_bytes > 0
end

local SCHEDULE_STEP_FIELD = "unsigned long step; /* t: updates done so far (the schedule's) */"

-- Lines of the optimizer's fields in the train-state struct.
function M.state_fields(plan)
  local lines = {}
  local record = M.record(plan)
  for i, field in ipairs(record.state) do
    lines[i] = (field:sub(1, 1) == "_" and plan.name or "") .. field
  end
  if plan.model.optimizer.schedule and not counts_steps(record) then
    lines[#lines + 1] = SCHEDULE_STEP_FIELD
  end
  return lines
end

-- Bytes of the state beyond the per-parameter copies: adam's count and corrections, or the
-- count a schedule adds (8 bytes, padding included).
function M.step_bytes(model)
  local record = M.BY_TYPE[model.optimizer.type]
  if model.optimizer.schedule and not counts_steps(record) then
    return 8
  end
  return record.step_bytes
end

-- The C expression of this step's learning rate, after `M.schedule_lines` where there is a
-- schedule; the literal otherwise.
function M.lr_expression(plan)
  if plan.model.optimizer.schedule then
    return "lr"
  end
  return emit.literal(plan.model.optimizer.lr, plan.dtype)
end

-- The schedule's `const real lr` from t = s->step, the updates done before this one, and the
-- count's increment where the optimizer does not keep it itself (adam increments it after).
function M.schedule_lines(buf, plan)
  local record = M.record(plan)
  schedules.emit(buf, plan, plan.model.optimizer, "s->step")
  if not counts_steps(record) then
    buf:line("s->step += 1;")
  end
end

-- "adam, lr 0.001, beta1 0.9, beta2 0.999, eps 1e-08", weight decay only where it is used, and
-- the schedule where there is one.
function M.describe(opt)
  local words = { opt.type }
  for _, field in ipairs(M.BY_TYPE[opt.type].fields) do
    if field.name ~= "weight_decay" or opt.weight_decay > 0 then
      words[#words + 1] = field.name .. " " .. emit.shortest(opt[field.name])
    end
  end
  return table.concat(words, ", ") .. schedules.describe(opt.schedule)
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

-- Body of the static update function `<name>_update(p, s)`, after a plain backward (sgd where it
-- does not fuse into backward, and every other optimizer).
function M.update(buf, plan)
  local opt = plan.model.optimizer
  local record = M.record(plan)
  local lit = function(x) return emit.literal(x, plan.dtype) end
  assert(not M.fuses_into_backward(plan), "this sgd is fused into backward")
  local decay = opt.weight_decay > 0
  if opt.schedule then
    M.schedule_lines(buf, plan)
  end
  local lr = M.lr_expression(plan)
  if record.before then
    record.before(buf, opt, lit, plan)
  end
  tensors.each(buf, plan, function(t, i, _, tensor)
    local p = "p->" .. t .. i
    local lines = {}
    local g = "s->grad." .. t .. i
    if decay and tensor.decays then
      if record.decoupled_decay then
        local rate = opt.schedule and string.format("(lr * %s)", lit(opt.weight_decay))
          or emit.product(opt.lr, opt.weight_decay, plan.dtype)
        lines[1] = string.format("%s -= %s * %s;", p, rate, p)
      else
        g = string.format("(%s + %s * %s)", g, lit(opt.weight_decay), p)
        if record.type ~= "sgd" then -- used more than once: form it once
          lines[#lines + 1] = string.format("const %s g = %s;", plan.real, g)
          g = "g"
        end
      end
    end
    local names = { p = p, g = g, lr = lr, dtype = plan.dtype, fn_suffix = plan.fn_suffix,
      state = function(field) return "s->" .. field .. "." .. t .. i end }
    local statements = record.statements(opt, lit, names)
    return table.move(statements, 1, #statements, #lines + 1, lines)
  end)
end

-- Body of `<name>_sgd_step(p, grad, lr)`.
function M.sgd_step(buf, plan)
  tensors.each(buf, plan, function(t, i)
    return { string.format("p->%s%s -= lr * grad->%s%s;", t, i, t, i) }
  end)
end

return M
