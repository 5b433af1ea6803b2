-- Learning-rate schedules (docs/math.md), shared by every optimizer: `optimizer.schedule` in the
-- spec. <name>_train_step computes the step's learning rate from t, the updates done before it
-- (the train state's step count), so a model trained on the device follows the schedule too.
--   step:   lr_t = lr gamma^floor(t / every)
--   cosine: lr_t = min_lr + (lr - min_lr) (1 + cos(pi min(t, steps) / steps)) / 2
-- Both are computed in the model's real type from integers, with nothing but +, * and / (which
-- IEEE rounds the same on every machine) and no libm call: the host and a Cortex-M4F or M0 agree
-- bit for bit, and a float model links no double-precision code.
local emit = require("emit")

local M = {}

-- Largest cosine `steps`: t and steps convert to float exactly up to 2^24.
M.MAX_STEPS = 16777216
M.MAX_EVERY = 2147483647

-- sin(pi w / 2) = sum over odd k of (-1)^((k-1)/2) (pi/2)^k w^k / k!: the Taylor terms up to w^13
-- in float (the first term left out is below (pi/2)^15 / 15! = 6.7e-10 on [0, 1]: the series
-- alternates with shrinking terms) and up to w^23 in double (below (pi/2)^25 / 25! = 5.4e-21).
local function sine_coefficients(last_power)
  local coefficients, term = {}, math.pi / 2
  for k = 1, last_power, 2 do
    coefficients[#coefficients + 1] = term
    term = -term * (math.pi / 2) ^ 2 / ((k + 1) * (k + 2))
  end
  return coefficients
end

M.SINE_LAST_POWER = { float = 13, double = 23 }

local function check_step(ck, value, path)
  ck:known_fields(value, path, { "type", "every", "gamma" })
  local every = ck:integer(ck:required(value, "every", path .. ".every", "an integer >= 1"), path .. ".every", 1, M.MAX_EVERY)
  local gamma = rawget(value, "gamma")
  gamma = ck:number(gamma == nil and 0.1 or gamma, path .. ".gamma", function(x) return x > 0 and x <= 1 end,
    "a number in (0, 1]")
  return { type = "step", every = every, gamma = gamma }
end

local function check_cosine(ck, value, path, lr)
  ck:known_fields(value, path, { "type", "steps", "min_lr" })
  local steps = ck:integer(ck:required(value, "steps", path .. ".steps", "an integer >= 1"), path .. ".steps", 1, M.MAX_STEPS)
  local min_lr = rawget(value, "min_lr")
  min_lr = ck:number(min_lr == nil and 0 or min_lr, path .. ".min_lr", function(x) return x >= 0 end,
    "a number >= 0")
  if min_lr > lr then
    ck:fail(path .. ".min_lr", "is above optimizer.lr (" .. emit.shortest(min_lr) .. " > "
      .. emit.shortest(lr) .. ")", "a number between 0 and optimizer.lr")
  end
  return { type = "cosine", steps = steps, min_lr = min_lr }
end

M.TYPES = { "step", "cosine" }
local CHECKS = { step = check_step, cosine = check_cosine }

-- The validated schedule of `value` (optimizer.schedule, nil for none), `lr` the optimizer's.
function M.validate(ck, value, lr)
  if value == nil then
    return nil
  end
  local path = "optimizer.schedule"
  ck:table(value, path, "a table { type = \"step\" | \"cosine\", ... }")
  local kind = ck:choice(ck:required(value, "type", path .. ".type", table.concat(M.TYPES, ", ")),
    path .. ".type", M.TYPES, "schedule")
  return CHECKS[kind](ck, value, path, lr)
end

-- The hyperparameters that become constants of the real type, for spec.lua's float check.
function M.constants(schedule)
  if schedule == nil then
    return {}
  elseif schedule.type == "step" then
    return { { name = "gamma", value = schedule.gamma } }
  end
  return { { name = "min_lr", value = schedule.min_lr } }
end

-- ", step schedule (every 100, gamma 0.5)" for the kernels' banner; "" without a schedule.
function M.describe(schedule)
  if schedule == nil then
    return ""
  elseif schedule.type == "step" then
    return string.format(", step schedule (every %d, gamma %s)", schedule.every, emit.shortest(schedule.gamma))
  end
  return string.format(", cosine schedule (steps %d, min_lr %s)", schedule.steps, emit.shortest(schedule.min_lr))
end

-- Lines that declare `const <real> lr` for this step from `t`, a C expression of the updates done
-- before it (an unsigned long).
function M.emit(buf, plan, opt, t)
  local schedule, real = opt.schedule, plan.real
  local lit = function(x) return emit.literal(x, plan.dtype) end
  if schedule.type == "step" then
    -- gamma^n by squaring: about 2 log2(n) roundings, the same on every machine, and no pow()
    buf:line("/* step schedule: lr gamma^floor(t / %d), the power by squaring */", schedule.every)
    buf:line("unsigned long decays = %s / %dul;", t, schedule.every)
    buf:line("%s decay = %s, gamma_power = %s;", real, lit(1), lit(schedule.gamma))
    buf:open("while (decays != 0) {")
    buf:open("if (decays & 1ul) {")
    buf:line("decay *= gamma_power;")
    buf:close()
    buf:line("gamma_power *= gamma_power;")
    buf:line("decays >>= 1;")
    buf:close()
    buf:line("const %s lr = %s * decay;", real, lit(opt.lr))
    return
  end
  -- (1 + cos(pi x)) / 2 = sin(pi w / 2)^2 with w = 1 - x = (steps - min(t, steps)) / steps: w is
  -- formed from integers by one rounded division, the factor is 0 exactly at the end, never
  -- negative, and the polynomial is Horner's in w^2
  local coefficients = sine_coefficients(M.SINE_LAST_POWER[plan.dtype])
  buf:line("/* cosine schedule: min_lr + (lr - min_lr) (1 + cos(pi min(t, %d) / %d)) / 2, as", schedule.steps,
    schedule.steps)
  buf:line(" * min_lr + (lr - min_lr) sin(pi w / 2)^2 with w = 1 - min(t, %d) / %d, the sine by its", schedule.steps,
    schedule.steps)
  buf:line(" * Taylor polynomial to w^%d (docs/math.md) */", M.SINE_LAST_POWER[plan.dtype])
  buf:line("const unsigned long done = %s < %dul ? %s : %dul;", t, schedule.steps, t, schedule.steps)
  buf:line("const %s w = (%s)(%dul - done) / %s;", real, real, schedule.steps, lit(schedule.steps))
  buf:line("const %s w2 = w * w;", real)
  local horner = lit(coefficients[#coefficients])
  for i = #coefficients - 1, 1, -1 do
    horner = string.format("%s + w2 * (%s)", lit(coefficients[i]), horner)
  end
  buf:line("const %s sine = w * (%s);", real, horner)
  if schedule.min_lr == 0 then
    buf:line("const %s lr = %s * (sine * sine);", real, lit(opt.lr))
  else
    buf:line("const %s lr = %s + %s * (sine * sine);", real, lit(schedule.min_lr),
      emit.difference(opt.lr, schedule.min_lr, plan.dtype))
  end
end

return M
