-- tests/cases.lua OUTDIR [SPEC.lua ...]
--
-- Writes the generated-model test cases into OUTDIR (which must exist):
--   <name>.lua       the spec of each random case (the given specs are used where they are)
--   <name>_case.h    the case as a C initializer of the reference engine's ref_net, with every
--                    docs/spec.md default applied here, independently of the generator
--   models.def       GM_MODEL(name) for every case, for tests/main.c
--   cases.mk         the case list and each case's spec path, for tests/models.mk
-- The cases are every SPEC given on the command line (trusted: just dofile'd) plus a seeded
-- family of random architectures that is identical on every machine (own LCG, no math.random).
-- Files are rewritten only when their text changes, so make rebuilds only what changed.

local FAMILY_SEED = 20240611
local FAMILY_SIZE = 40

local HIDDEN_ACTIVATIONS = { "linear", "sigmoid", "tanh", "relu", "leaky_relu" }
local ALL_ACTIVATIONS = { "linear", "sigmoid", "tanh", "relu", "leaky_relu", "softmax" }
local LOSSES = { "bce", "mse", "ce" }
local INIT_SCHEMES = { "xavier", "he", "uniform" }

-- The defaults of docs/spec.md.
local DEFAULTS = {
  alpha = 0.01,
  dtype = "float",
  unroll = "auto",
  optimizer = { type = "sgd", lr = 0.01 },
  momentum_beta = 0.9,
  adam = { lr = 0.001, beta1 = 0.9, beta2 = 0.999, eps = 1e-8 },
  init = { scheme = "xavier", seed = 1 },
}

---------------------------------------------------------------------------------------------------
-- A 32-bit LCG (Numerical Recipes constants): exact in Lua 5.4 integers on every platform.

local Rng = {}
Rng.__index = Rng

local function new_rng(seed)
  return setmetatable({ state = seed & 0xffffffff }, Rng)
end

function Rng:next()
  self.state = (self.state * 1664525 + 1013904223) & 0xffffffff
  return self.state
end

-- Uniform in [0, 1) from the high 24 bits (the low bits of an LCG are weak).
function Rng:unit()
  return (self:next() >> 8) / 16777216
end

function Rng:int(lo, hi)
  return lo + math.floor(self:unit() * (hi - lo + 1))
end

function Rng:pick(list)
  return list[self:int(1, #list)]
end

function Rng:chance(p)
  return self:unit() < p
end

-- A readable number with 3 significant digits in [lo, hi), spread evenly on a log scale.
function Rng:log_uniform(lo, hi)
  local x = math.exp(math.log(lo) + self:unit() * (math.log(hi) - math.log(lo)))
  return tonumber(string.format("%.3g", x))
end

function Rng:uniform(lo, hi)
  return tonumber(string.format("%.3g", lo + self:unit() * (hi - lo)))
end

---------------------------------------------------------------------------------------------------
-- The random family. Optional fields are sometimes left out so the generator's defaults are tested.

local function random_layers(rng, loss)
  local depth = rng:int(1, 4)
  local layers = {}
  for l = 1, depth do
    layers[l] = { units = rng:int(1, 7), activation = rng:pick(HIDDEN_ACTIVATIONS) }
  end
  local last = layers[depth]
  if loss == "bce" then
    last.activation = "sigmoid"
  elseif loss == "ce" then
    last.activation = "softmax"
  else
    last.activation = rng:pick(ALL_ACTIVATIONS)
  end
  -- One softmax unit is the constant 1: J would not depend on any parameter and every gradient
  -- check would be vacuous.
  if last.activation == "softmax" then
    last.units = math.max(last.units, 2)
  end
  for _, layer in ipairs(layers) do
    if layer.activation == "leaky_relu" and rng:chance(0.7) then
      layer.alpha = rng:uniform(0, 0.9)
    end
  end
  return layers
end

local function random_optimizer(rng)
  local kind = rng:pick({ "default", "sgd", "momentum", "adam", "adam_defaults" })
  if kind == "default" then
    return nil
  elseif kind == "sgd" then
    return { type = "sgd", lr = rng:log_uniform(0.01, 0.5) }
  elseif kind == "momentum" then
    local opt = { type = "momentum", lr = rng:log_uniform(0.01, 0.3) }
    if rng:chance(0.7) then
      opt.beta = rng:uniform(0, 0.99)
    end
    return opt
  elseif kind == "adam" then
    return {
      type = "adam",
      lr = rng:log_uniform(0.001, 0.1),
      beta1 = rng:uniform(0.5, 0.95),
      beta2 = rng:uniform(0.9, 0.9999),
      eps = rng:log_uniform(1e-8, 1e-4),
    }
  end
  return { type = "adam" }
end

local function random_spec(rng, index)
  local loss = rng:pick(LOSSES)
  local spec = {
    name = string.format("rnd%02d", index),
    input = rng:int(1, 6),
    batch = rng:int(1, 5),
    layers = random_layers(rng, loss),
    loss = loss,
  }
  local dtype = rng:pick({ "default", "float", "double", "double" })
  if dtype ~= "default" then
    spec.dtype = dtype
  end
  local unroll = rng:pick({ "default", "auto", "full", "loops" })
  if unroll ~= "default" then
    spec.unroll = unroll
  end
  spec.optimizer = random_optimizer(rng)
  if rng:chance(0.75) then
    -- Seeds at the edges of uint32_t too: 0 breaks RNGs whose state must not be zero.
    local seed = rng:pick({ 0, 4294967295, rng:int(1, 100000), rng:int(1, 100000) })
    spec.init = { scheme = rng:pick(INIT_SCHEMES), seed = seed }
  end
  -- The contract accepts any integral number for an integer field.
  spec.integral_floats = rng:chance(0.1)
  return spec
end

---------------------------------------------------------------------------------------------------
-- Specs as Lua text (deterministic field order).

-- The shortest decimal text that reads back as exactly x.
local function shortest(x)
  for digits = 15, 16 do
    local text = string.format("%." .. digits .. "g", x)
    if tonumber(text) == x then
      return text
    end
  end
  return string.format("%.17g", x)
end

local function number_text(x, as_float)
  if math.type(x) == "integer" then
    return as_float and string.format("%d.0", x) or string.format("%d", x)
  end
  return shortest(x)
end

local function spec_text(spec)
  local int = function(x) return number_text(x, spec.integral_floats) end
  local out = {
    "-- Random test case generated by tests/cases.lua; do not edit.",
    "return {",
    string.format("  name = %q,", spec.name),
    string.format("  input = %s,", int(spec.input)),
    string.format("  batch = %s,", int(spec.batch)),
    "  layers = {",
  }
  for _, layer in ipairs(spec.layers) do
    local alpha = layer.alpha and string.format(", alpha = %s", number_text(layer.alpha)) or ""
    out[#out + 1] = string.format("    { units = %s, activation = %q%s },", int(layer.units),
      layer.activation, alpha)
  end
  out[#out + 1] = "  },"
  out[#out + 1] = string.format("  loss = %q,", spec.loss)
  if spec.dtype then
    out[#out + 1] = string.format("  dtype = %q,", spec.dtype)
  end
  if spec.unroll then
    out[#out + 1] = string.format("  unroll = %q,", spec.unroll)
  end
  local opt = spec.optimizer
  if opt then
    local fields = { string.format("type = %q", opt.type) }
    for _, key in ipairs({ "lr", "beta", "beta1", "beta2", "eps" }) do
      if opt[key] then
        fields[#fields + 1] = string.format("%s = %s", key, number_text(opt[key]))
      end
    end
    out[#out + 1] = "  optimizer = { " .. table.concat(fields, ", ") .. " },"
  end
  if spec.init then
    out[#out + 1] = string.format("  init = { scheme = %q, seed = %s },", spec.init.scheme,
      int(spec.init.seed))
  end
  out[#out + 1] = "}"
  return table.concat(out, "\n") .. "\n"
end

---------------------------------------------------------------------------------------------------
-- A spec with every default applied: what the reference engine is told.

local function integer(x, what)
  local n = math.tointeger(x)
  assert(n, what .. " must be integral")
  return n
end

local function resolve_optimizer(opt)
  if opt == nil then
    return { type = DEFAULTS.optimizer.type, lr = DEFAULTS.optimizer.lr }
  end
  local r = { type = opt.type }
  if opt.type == "sgd" then
    r.lr = opt.lr or DEFAULTS.optimizer.lr
  elseif opt.type == "momentum" then
    r.lr = assert(opt.lr, "momentum needs lr")
    r.beta = opt.beta or DEFAULTS.momentum_beta
  elseif opt.type == "adam" then
    for _, key in ipairs({ "lr", "beta1", "beta2", "eps" }) do
      r[key] = opt[key] or DEFAULTS.adam[key]
    end
  else
    error("unknown optimizer " .. tostring(opt.type))
  end
  return r
end

local function resolve(spec, path)
  local case = {
    name = spec.name,
    path = path,
    input = integer(spec.input, "input"),
    batch = integer(spec.batch, "batch"),
    loss = spec.loss,
    dtype = spec.dtype or DEFAULTS.dtype,
    unroll = spec.unroll or DEFAULTS.unroll,
    optimizer = resolve_optimizer(spec.optimizer),
    init = {
      scheme = spec.init and spec.init.scheme or DEFAULTS.init.scheme,
      seed = integer(spec.init and spec.init.seed or DEFAULTS.init.seed, "init.seed"),
    },
    layers = {},
  }
  for l, layer in ipairs(spec.layers) do
    case.layers[l] = {
      units = integer(layer.units, "units"),
      activation = layer.activation,
      alpha = layer.alpha or DEFAULTS.alpha,
    }
  end
  return case
end

---------------------------------------------------------------------------------------------------
-- The C descriptor.

local function c_number(x)
  return shortest(x + 0.0)
end

local function c_list(case, field, format)
  local items = {}
  for l, layer in ipairs(case.layers) do
    items[l] = format(layer[field])
  end
  return "{" .. table.concat(items, ", ") .. "}"
end

-- X(field, reference offset function, layer, flat offset, rows, cols) for W<l> and b<l>: the
-- net_params layout, computed here independently of both the generator and the reference engine.
local function tensor_table(case)
  local lines, offset, previous = {}, 0, case.input
  for l, layer in ipairs(case.layers) do
    lines[#lines + 1] = string.format("    X(W%d, ref_weight_offset, %d, %d, %d, %d)", l, l, offset,
      layer.units, previous)
    offset = offset + layer.units * previous
    lines[#lines + 1] = string.format("    X(b%d, ref_bias_offset, %d, %d, %d, 1)", l, l, offset,
      layer.units)
    offset = offset + layer.units
    previous = layer.units
  end
  return table.concat(lines, " \\\n"), offset
end

local function case_header(case)
  local tensors, param_count = tensor_table(case)
  local opt = case.optimizer
  local enum = function(s) return "REF_" .. s:upper() end
  return table.concat({
    string.format("/* Test case %s, generated by tests/cases.lua from %s; do not edit. */",
      case.name, case.path),
    string.format("#define GM_CASE_DOUBLE %d", case.dtype == "double" and 1 or 0),
    string.format("#define GM_CASE_PARAM_COUNT %d", param_count),
    "#define GM_FOR_EACH_TENSOR(X) \\",
    tensors,
    "",
    "static const ref_net gm_case = {",
    string.format("    .name = %q,", case.name),
    string.format("    .input = %d, .batch = %d, .layers = %d,", case.input, case.batch, #case.layers),
    "    .units = " .. c_list(case, "units", tostring) .. ",",
    "    .activation = " .. c_list(case, "activation", enum) .. ",",
    "    .alpha = " .. c_list(case, "alpha", c_number) .. ",",
    string.format("    .loss = %s,", enum(case.loss)),
    string.format("    .optimizer = {.kind = %s, .lr = %s, .beta = %s, .beta1 = %s, .beta2 = %s, .eps = %s},",
      enum(opt.type), c_number(opt.lr), c_number(opt.beta or 0), c_number(opt.beta1 or 0),
      c_number(opt.beta2 or 0), c_number(opt.eps or 0)),
    string.format("    .dtype = %s,", enum(case.dtype)),
    string.format("    .init = %s, .init_seed = %dul,", enum(case.init.scheme), case.init.seed),
    string.format("    .unroll = %q,", case.unroll),
    "};",
    "",
  }, "\n")
end

---------------------------------------------------------------------------------------------------
-- Coverage: the family must exercise every feature the contract names, or the run stops.

local function coverage_keys(case)
  local keys = {}
  local last = case.layers[#case.layers]
  local function add(key) keys[#keys + 1] = key end
  for _, layer in ipairs(case.layers) do
    add("activation " .. layer.activation)
  end
  add("loss " .. case.loss)
  add("dtype " .. case.dtype)
  add("unroll " .. case.unroll)
  add("optimizer " .. case.optimizer.type)
  add("init " .. case.init.scheme)
  add("depth " .. #case.layers)
  add("last " .. last.activation .. " + " .. case.loss)
  if last.activation == "sigmoid" and case.loss == "bce" and last.units >= 2 then
    add("multi-output sigmoid + bce")
  end
  if case.batch >= 3 and case.loss == "ce" then
    add("ce with columns not summing to 1")
  end
  return keys
end

local REQUIRED = {
  "activation linear", "activation sigmoid", "activation tanh", "activation relu",
  "activation leaky_relu", "activation softmax",
  "loss bce", "loss mse", "loss ce", "dtype float", "dtype double",
  "unroll auto", "unroll full", "unroll loops",
  "optimizer sgd", "optimizer momentum", "optimizer adam",
  "init xavier", "init he", "init uniform",
  "depth 1", "depth 2", "depth 3", "depth 4",
  "last softmax + mse", "last sigmoid + mse", "last softmax + ce", "multi-output sigmoid + bce",
  "ce with columns not summing to 1",
}

local function check_coverage(cases)
  local seen = {}
  for _, case in ipairs(cases) do
    for _, key in ipairs(coverage_keys(case)) do
      seen[key] = true
    end
  end
  for _, key in ipairs(REQUIRED) do
    if not seen[key] then
      error("the random family does not cover '" .. key .. "': change FAMILY_SEED", 0)
    end
  end
end

---------------------------------------------------------------------------------------------------
-- Output.

local function read_file(path)
  local f = io.open(path, "rb")
  if not f then
    return nil
  end
  local text = f:read("a")
  f:close()
  return text
end

local function write_if_changed(path, text)
  if read_file(path) == text then
    return
  end
  local f = assert(io.open(path, "wb"))
  f:write(text)
  f:close()
end

local function cases_mk(cases)
  local names = {}
  local out = { "# Generated by tests/cases.lua; do not edit." }
  for i, case in ipairs(cases) do
    names[i] = case.name
    out[#out + 1] = string.format("GM_SPEC_%s := %s", case.name, case.path)
    out[#out + 1] = string.format("GM_UNAME_%s := %s", case.name, case.name:upper())
  end
  table.insert(out, 2, "GM_CASES := " .. table.concat(names, " "))
  return table.concat(out, "\n") .. "\n"
end

local function models_def(cases)
  local out = { "/* Generated by tests/cases.lua; do not edit. One line per generated model. */" }
  for _, case in ipairs(cases) do
    out[#out + 1] = string.format("GM_MODEL(%s)", case.name)
  end
  return table.concat(out, "\n") .. "\n"
end

-- The given specs, then the random family (each with its spec text, to be written next to it).
local function collect_cases(outdir, spec_paths)
  local cases, names = {}, {}
  local function add(case)
    assert(not names[case.name], "two cases are named " .. case.name)
    assert(#case.layers <= 16, case.name .. ": the reference engine holds at most 16 layers")
    names[case.name] = true
    cases[#cases + 1] = case
  end
  for _, path in ipairs(spec_paths) do
    add(resolve(dofile(path), path))
  end
  local rng, family = new_rng(FAMILY_SEED), {}
  for index = 0, FAMILY_SIZE - 1 do
    local spec = random_spec(rng, index)
    local case = resolve(spec, outdir .. "/" .. spec.name .. ".lua")
    case.spec_text = spec_text(spec)
    family[#family + 1] = case
    add(case)
  end
  check_coverage(family)
  return cases
end

local function main(args)
  local outdir = assert(args[1], "usage: lua5.4 tests/cases.lua OUTDIR [SPEC.lua ...]")
  local spec_paths = table.move(args, 2, #args, 1, {})
  local cases = collect_cases(outdir, spec_paths)
  for _, case in ipairs(cases) do
    if case.spec_text then
      write_if_changed(case.path, case.spec_text)
    end
    write_if_changed(outdir .. "/" .. case.name .. "_case.h", case_header(case))
  end
  write_if_changed(outdir .. "/models.def", models_def(cases))
  write_if_changed(outdir .. "/cases.mk", cases_mk(cases))
end

main(arg)
