-- Spec loading and validation: runs the spec in the sandbox and turns what it returns into a plain,
-- fully defaulted model table (docs/spec.md). Every problem is a user error naming the
-- spec file and the field path.
local batchnorm = require("ops.batchnorm")
local conv = require("ops.conv")
local dense = require("ops.dense")
local emit = require("emit")
local errors = require("errors")
local flatten = require("ops.flatten")
local optimizers = require("ops.optimizers")
local pool = require("ops.pool")
local sandbox = require("sandbox")
local schedules = require("ops.schedules")
local shape = require("ops.shape")

local M = {}

M.MAX_PARAMS = 16777216
M.MAX_UNITS = 16777216
M.MAX_BATCH = 1048576
M.MAX_CACHE_REALS = 268435456 -- activations of one batch: beyond this the structs stop being sane
M.MAX_LAYERS = 1000
M.MAX_NAME = 32
M.MAX_FULL_MACS = 4096 -- multiply-adds of one layer that unroll = "full" may write out as statements:
-- seed3 (32768 per layer) took 172 s to compile into 1.75 MB and ran 2-5x slower than loops
M.MAX_FULL_TOTAL_MACS = 16384 -- and of all layers together

local LOSSES = { "bce", "mse", "ce" }
local DTYPES = { "float", "double" }
local UNROLLS = { "auto", "full", "loops" }
local INIT_SCHEMES = { "xavier", "he", "uniform" }

local TOP_FIELDS = { "name", "input", "batch", "layers", "loss", "dtype", "optimizer", "init", "unroll",
  "standardize" }
-- Each layer type's module validates its fields and computes its output shape.
local LAYER_TYPES = { "dense", "conv1d", "conv2d", "maxpool1d", "avgpool1d", "maxpool2d", "avgpool2d",
  "global_avgpool", "batchnorm", "flatten" }
local LAYER_KINDS = {
  dense = dense, conv1d = conv, conv2d = conv, maxpool1d = pool, avgpool1d = pool, maxpool2d = pool,
  avgpool2d = pool, global_avgpool = pool, batchnorm = batchnorm, flatten = flatten,
}
local INIT_FIELDS = { "scheme", "seed" }

local RESERVED_NAMES = { gradc_rt = true } -- the runtime header's name in the output folder

-- A model writes <name>.h into OUT/<name>/, and a build with -I OUT/<name> searches that folder
-- before the system's for #include <...> as well: a model named math would shadow <math.h> for
-- every file of the program, the generated ones included. These are the headers such a build can
-- reach: C's (C99 to C23), POSIX's top-level ones, what the C libraries' (glibc, newlib) and the
-- compilers' headers include in turn (found with cc -M on the generated files, gcc and clang for
-- x86-64, arm-none-eabi-gcc), and the intrinsic headers; any name ending in "intrin" is refused
-- too, as gcc's <immintrin.h> alone includes some 90 <*intrin.h>.
local C_HEADERS = {
  "assert", "complex", "ctype", "errno", "fenv", "float", "inttypes", "iso646", "limits", "locale",
  "math", "setjmp", "signal", "stdalign", "stdarg", "stdatomic", "stdbit", "stdbool", "stdckdint",
  "stddef", "stdint", "stdio", "stdlib", "stdnoreturn", "string", "tgmath", "threads", "time",
  "uchar", "wchar", "wctype",
}
local SYSTEM_HEADERS = {
  -- POSIX.1-2017
  "aio", "cpio", "dirent", "dlfcn", "fcntl", "fmtmsg", "fnmatch", "ftw", "glob", "grp", "iconv",
  "langinfo", "libgen", "monetary", "mqueue", "ndbm", "netdb", "nl_types", "poll", "pthread", "pwd",
  "regex", "sched", "search", "semaphore", "spawn", "strings", "stropts", "syslog", "tar",
  "termios", "trace", "ulimit", "unistd", "utime", "utmpx", "wordexp",
  -- included by the C libraries' own headers, or commonly by programs
  "features", "alloca", "endian", "malloc", "_ansi", "newlib", "_newlib_version",
  -- the compilers' intrinsics (besides *intrin)
  "mm_malloc", "cpuid", "arm_acle", "arm_neon", "arm_fp16", "arm_bf16", "arm_sve", "arm_mve",
  "arm_cmse",
}
-- `make train` compiles its driver with -I <generated folder> before -I runtime/hosted.
local TRAINING_HEADERS = {
  "batches", "csv", "dataset", "errbuf", "metrics", "model_prefix", "rng", "scaler", "split",
}
-- The other files a model writes are named <name><suffix><extension>: a model named net_io would
-- write net_io.c, the name of model net's I/O source, so the two could not share a build folder
-- or a program.
local FILE_SUFFIXES = {
  { suffix = "_kernels", extension = ".h", what = "kernels header" },
  { suffix = "_io", extension = ".c", what = "I/O source" },
  { suffix = "_weights", extension = ".c", what = "constant weights source (--weights)" },
}

local function set_of(list)
  local set = {}
  for _, item in ipairs(list) do
    set[item] = true
  end
  return set
end
local C_HEADER_SET, SYSTEM_HEADER_SET = set_of(C_HEADERS), set_of(SYSTEM_HEADERS)
local TRAINING_HEADER_SET = set_of(TRAINING_HEADERS)

-- A short, safe rendering of a value for messages: strings quoted, cut after 37 bytes and escaped
-- (errors.escape: no control character reaches the terminal), tables by kind.
local function show(v)
  local kind = type(v)
  if kind == "string" then
    local shown, left_out = errors.cut(v, 40)
    if left_out > 0 then
      shown = errors.cut(v, 37)
    end
    return '"' .. errors.escape(shown, true) .. (left_out > 0 and '..."' or '"')
  elseif kind == "number" then
    if math.type(v) == "integer" then
      return string.format("%d", v)
    elseif v ~= v then
      return "nan"
    elseif v == math.floor(v) and math.abs(v) < 2^53 then
      return string.format("%d", math.tointeger(v))
    end
    return emit.shortest(v)
  elseif kind == "boolean" or kind == "nil" then
    return tostring(v)
  end
  return "a " .. kind
end

local function one_of(list)
  return table.concat(list, ", ")
end

local function contains(list, value)
  for _, item in ipairs(list) do
    if item == value then
      return true
    end
  end
  return false
end

-- Edit distance, for "did you mean" on misspelt field names.
local function distance(a, b)
  local previous = {}
  for j = 0, #b do
    previous[j] = j
  end
  for i = 1, #a do
    local current = { [0] = i }
    for j = 1, #b do
      local cost = a:sub(i, i) == b:sub(j, j) and 0 or 1
      current[j] = math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
    end
    previous = current
  end
  return previous[#b]
end

local function closest(name, candidates)
  if #name > 40 then -- no suggestion is that far off, and the distance costs len^2
    return nil
  end
  local best, best_distance = nil, 3
  for _, candidate in ipairs(candidates) do
    local d = distance(name, candidate)
    if d < best_distance then
      best, best_distance = candidate, d
    end
  end
  return best
end

-- A key as it appears in a field path: a short identifier as it is, anything else quoted.
local function key_text(key)
  if type(key) == "string" and #key <= 40 and key:match("^[%a_][%w_]*$") then
    return key
  end
  return "[" .. show(key) .. "]"
end

-- The checker carries the file name so each check can raise "FILE: path: problem (expected ...)".
local Checker = {}
Checker.__index = Checker

function Checker:fail(path, problem, expected)
  errors.field(self.file, path, problem, expected)
end

function Checker:table(value, path, what)
  if type(value) ~= "table" then
    self:fail(path, "must be " .. what .. " (got " .. show(value) .. ")")
  end
  return value
end

-- Fields of a record: reject unknown keys (sorted, so the message does not depend on hashing).
function Checker:known_fields(record, path, allowed)
  local unknown = {}
  for key in next, record do
    if type(key) ~= "string" then
      self:fail(path == "" and "spec" or path, "has a key that is not a field name (" .. show(key) .. ")",
        "only named fields: " .. one_of(allowed))
    end
    if not contains(allowed, key) then
      unknown[#unknown + 1] = key
    end
  end
  if #unknown > 0 then
    table.sort(unknown)
    local key = unknown[1]
    local shown = key_text(key)
    local field_path = path == "" and shown or (shown:sub(1, 1) == "[" and path .. shown or path .. "." .. shown)
    local guess = closest(key, allowed)
    local problem = "unknown field" .. (guess and (" (did you mean '" .. guess .. "'?)") or "")
    self:fail(field_path, problem, "one of " .. one_of(allowed))
  end
end

function Checker:integer(value, path, low, high)
  local wanted = "must be an integer >= " .. low .. (high and (" and <= " .. high) or "")
  local as_integer = type(value) == "number" and math.tointeger(value)
  if not as_integer then
    self:fail(path, wanted .. " (got " .. show(value) .. ")")
  end
  if as_integer < low then
    self:fail(path, "must be an integer >= " .. low .. " (got " .. show(value) .. ")")
  end
  if high and as_integer > high then
    self:fail(path, "must be at most " .. high .. " (got " .. show(value) .. ")")
  end
  return as_integer
end

-- A finite number; `low_open` etc. describe the interval in the message.
function Checker:number(value, path, accept, expected)
  if type(value) ~= "number" or value ~= value or value == math.huge or value == -math.huge then
    self:fail(path, "must be a finite number (got " .. show(value) .. ")", expected)
  end
  if not accept(value) then
    self:fail(path, "out of range (got " .. show(value) .. ")", expected)
  end
  return value + 0.0
end

function Checker:choice(value, path, list, what)
  if type(value) ~= "string" then
    self:fail(path, "must be a string (got " .. show(value) .. ")", one_of(list))
  end
  if not contains(list, value) then
    local guess = closest(value, list)
    self:fail(path, "unknown " .. what .. " " .. show(value)
      .. (guess and (" (did you mean '" .. guess .. "'?)") or ""), one_of(list))
  end
  return value
end

-- `expected` says what the field holds, for the message when it is missing.
function Checker:required(record, key, path, expected)
  assert(expected, "Checker:required needs what the field holds")
  local value = rawget(record, key)
  if value == nil then
    self:fail(path, "missing required field", expected)
  end
  return value
end

local function check_name(ck, value)
  if type(value) ~= "string" then
    ck:fail("name", "must be a string (got " .. show(value) .. ")", "a C identifier [a-z_][a-z0-9_]*")
  end
  if #value == 0 or #value > M.MAX_NAME or not value:match("^[a-z_][a-z0-9_]*$") then
    ck:fail("name", "not a valid name (got " .. show(value) .. ")",
      "[a-z_][a-z0-9_]*, at most " .. M.MAX_NAME .. " characters")
  end
  if value == "_" or value:sub(1, 2) == "__" then
    ck:fail("name", "'" .. value .. "' gives identifiers such as " .. value .. "_real, which start with __ "
      .. "and are reserved for the C implementation", "a name that does not start with __ and is not _")
  end
  if RESERVED_NAMES[value] then
    ck:fail("name", "'" .. value .. "' is reserved for gradc's runtime header", "another name")
  end
  local writes = '"' .. value .. '" would write ' .. value .. ".h, which shadows "
  if C_HEADER_SET[value] then
    ck:fail("name", writes .. "the standard header <" .. value .. ".h> (choose another name)")
  elseif SYSTEM_HEADER_SET[value] or value:match("intrin$") then
    ck:fail("name", writes .. "the system header <" .. value .. ".h> (choose another name)")
  elseif TRAINING_HEADER_SET[value] then
    ck:fail("name", writes .. "the training helper runtime/hosted/" .. value .. ".h in make train "
      .. "(choose another name)")
  end
  for _, other in ipairs(FILE_SUFFIXES) do
    local stem = value:sub(1, #value - #other.suffix)
    if #stem > 0 and value:sub(-#other.suffix) == other.suffix then
      ck:fail("name", '"' .. value .. '" would write ' .. value .. other.extension .. ", the file name of "
        .. "the " .. other.what .. " of a model named " .. stem .. " (choose another name)")
    end
  end
  return value
end

-- `input`: a feature count, or a 1-D ({ channels, length }) or 2-D ({ channels, height, width })
-- shape.
local function check_input(ck, value)
  if type(value) ~= "table" then
    return shape.flat(ck:integer(value, "input", 1, M.MAX_UNITS))
  end
  local fields = rawget(value, "length") ~= nil and { "channels", "length" } or { "channels", "height", "width" }
  ck:known_fields(value, "input", fields)
  local sizes = {}
  for i, key in ipairs(fields) do
    sizes[i] = ck:integer(ck:required(value, key, "input." .. key, "an integer >= 1"), "input." .. key, 1,
      M.MAX_UNITS)
  end
  local result = shape.spatial(sizes[1], { table.unpack(sizes, 2) })
  if shape.features(result) > M.MAX_UNITS then
    ck:fail("input", string.format("has %.0f features", shape.features(result)), "at most " .. M.MAX_UNITS)
  end
  return result
end

local function check_layers(ck, value, input, batch)
  ck:table(value, "layers", "an array of layer tables")
  local count = rawlen(value)
  for key in next, value do
    if math.type(key) ~= "integer" or key < 1 or key > count then
      ck:fail("layers", "must be an array 1..n (has key " .. show(key) .. ")", "a list of layers")
    end
  end
  if count < 1 then
    ck:fail("layers", "must have at least one layer", "a non-empty array of layer tables")
  end
  if count > M.MAX_LAYERS then
    ck:fail("layers", "has " .. count .. " layers", "at most " .. M.MAX_LAYERS)
  end
  local layers, in_shape, computes, activations = {}, input, false, 0
  for l = 1, count do
    local path = "layers[" .. l .. "]"
    local raw = ck:table(value[l], path, "a table { units = n, activation = \"...\" }")
    local kind = rawget(raw, "type")
    kind = kind == nil and "dense" or ck:choice(kind, path .. ".type", LAYER_TYPES, "layer type")
    local ctx = { kind = kind, path = path, index = l, is_last = l == count, in_shape = in_shape,
      batch = batch, max_units = M.MAX_UNITS }
    local layer = LAYER_KINDS[kind].validate(ck, raw, ctx)
    layer.kind = kind
    layers[l] = layer
    in_shape = layer.out_shape
    -- Checked layer by layer, before the next layer computes its sizes from this output: a conv
    -- with 2^24 filters over 2^24 positions must not reach a dense layer's parameter count.
    activations = activations + 2 * shape.features(in_shape) * batch
    if activations > M.MAX_CACHE_REALS then
      ck:fail("batch", string.format("the activations of one batch need %.0f reals", activations),
        "at most " .. M.MAX_CACHE_REALS .. ": a smaller batch or narrower layers")
    end
    computes = computes or kind ~= "flatten"
  end
  if not computes then
    ck:fail("layers", "has only flatten layers", "at least one layer that computes something")
  end
  return layers
end

local function check_optimizer(ck, value)
  if value == nil then
    value = { type = "sgd" }
  end
  ck:table(value, "optimizer", "a table { type = \"sgd\" | \"momentum\" | \"adam\", ... }")
  local kind = rawget(value, "type")
  kind = kind == nil and "sgd" or ck:choice(kind, "optimizer.type", optimizers.TYPES, "optimizer")
  local record = optimizers.BY_TYPE[kind]
  local names = { "type" }
  for i, field in ipairs(record.fields) do
    names[i + 1] = field.name
  end
  names[#names + 1] = "schedule"
  ck:known_fields(value, "optimizer", names)
  local optimizer = { type = kind }
  for _, field in ipairs(record.fields) do
    local given = rawget(value, field.name)
    local range = optimizers.RANGES[field.range]
    optimizer[field.name] = ck:number(given == nil and field.default or given, "optimizer." .. field.name,
      range.accept, range.expected)
  end
  optimizer.schedule = schedules.validate(ck, rawget(value, "schedule"), optimizer.lr)
  return optimizer
end

local function check_init(ck, value)
  if value == nil then
    value = {}
  end
  ck:table(value, "init", "a table { scheme = \"xavier\" | \"he\" | \"uniform\", seed = n }")
  ck:known_fields(value, "init", INIT_FIELDS)
  local scheme = rawget(value, "scheme")
  scheme = scheme == nil and "xavier" or ck:choice(scheme, "init.scheme", INIT_SCHEMES, "init scheme")
  local seed = rawget(value, "seed")
  seed = seed == nil and 1 or ck:integer(seed, "init.seed", 0, 4294967295)
  return { scheme = scheme, seed = seed }
end

local function check_sizes(ck, model)
  local params = model.standardize and 2 * model.input or 0 -- input_mean, input_inv_scale
  for l, layer in ipairs(model.layers) do
    params = params + layer.params
    if params > M.MAX_PARAMS then
      ck:fail("layers[" .. l .. "]", "the network has more than " .. M.MAX_PARAMS
        .. " parameters by this layer", "a smaller network")
    end
  end
  if params == 0 then
    -- net_params would be a struct without members, which C99 does not allow
    ck:fail("layers", "no layer has parameters", "at least one dense, conv1d, conv2d or batchnorm layer")
  end
  if model.unroll == "full" then
    -- only dense layers are written out; the other kinds are loops in every mode
    local total = 0
    for l, layer in ipairs(model.layers) do
      if layer.kind == "dense" then
        local n_in = shape.features(layer.in_shape)
        local macs = n_in * layer.units * model.batch
        if macs > M.MAX_FULL_MACS then
          ck:fail("unroll", string.format("\"full\" would write out %d multiply-adds for layer %d "
            .. "(%d -> %d, batch %d), more than %d", macs, l, n_in, layer.units, model.batch,
            M.MAX_FULL_MACS), "unroll = \"loops\" or \"auto\" for a network this size")
        end
        total = total + macs
        if total > M.MAX_FULL_TOTAL_MACS then
          ck:fail("unroll", string.format("\"full\" would write out more than %d multiply-adds for "
            .. "layers 1 to %d", M.MAX_FULL_TOTAL_MACS, l), "unroll = \"loops\" or \"auto\" for a network this size")
        end
      end
    end
  end
  model.param_count = params
end

-- `standardize = true`: the network starts with x' = (x - input_mean) * input_inv_scale per input,
-- two tensors of net_params that `make train` fills from the training split (the optimizer never
-- changes them). With loss mse, `make train` also trains on standardized targets and folds their
-- undoing, y = y' * scale + mean, into the last layer's W and b when it saves: that layer must be
-- a linear dense one.
local function check_standardize(ck, value, model, last_index)
  if value == nil or value == false then
    return false
  elseif value ~= true then
    ck:fail("standardize", "must be a boolean (got " .. show(value) .. ")", "true or false")
  end
  local last = model.layers[last_index]
  if model.loss == "mse" and (last.kind ~= "dense" or last.activation ~= "linear") then
    ck:fail("standardize", "with loss mse the targets' standardization is folded into the last "
      .. "layer, and layers[" .. last_index .. "] is not a linear dense layer",
      "a linear dense last layer, or no standardize")
  end
  return true
end

local FLT_MIN = 1.17549435082228751e-38

local function as_float(x)
  return (string.unpack("<f", string.pack("<f", x)))
end

-- In a float model every hyperparameter becomes a float constant: it must not round to 0 (an eps
-- of 0 divides by zero), overflow, or (betas) round up to 1 (adam's bias correction is 1 - beta^t).
local function check_float_constants(ck, model)
  if model.dtype ~= "float" then
    return
  end
  local function check(path, value, below_one)
    if value == nil or value == 0 then
      return
    end
    local rounded = as_float(value)
    if math.abs(value) < FLT_MIN or rounded == math.huge or rounded == -math.huge then
      ck:fail(path, show(value) .. " is not a normal float (dtype is float)",
        "a magnitude between 1.2e-38 and 3.4e38, or dtype = \"double\"")
    end
    if below_one and rounded >= 1 then
      ck:fail(path, show(value) .. " rounds to 1 in float (dtype is float)",
        "a value below 0.99999994, or dtype = \"double\"")
    end
  end
  local opt = model.optimizer
  check("optimizer.lr", opt.lr)
  check("optimizer.eps", opt.eps)
  check("optimizer.beta", opt.beta, true)
  check("optimizer.beta1", opt.beta1, true)
  check("optimizer.beta2", opt.beta2, true)
  check("optimizer.weight_decay", opt.weight_decay)
  for _, constant in ipairs(schedules.constants(opt.schedule)) do
    check("optimizer.schedule." .. constant.name, constant.value)
  end
  for l, layer in ipairs(model.layers) do
    check("layers[" .. l .. "].alpha", layer.alpha, true)
    check("layers[" .. l .. "].eps", layer.eps)
    check("layers[" .. l .. "].momentum", layer.momentum)
  end
end

-- Validate what the spec returned and fill in every default.
function M.validate(value, file)
  local ck = setmetatable({ file = file }, Checker)
  if type(value) ~= "table" then
    errors.raise(file .. ": spec must return a table (got " .. show(value) .. ")")
  end
  ck:known_fields(value, "", TOP_FIELDS)
  local model = { file = file }
  model.name = check_name(ck, ck:required(value, "name", "name", "a C identifier [a-z_][a-z0-9_]*"))
  model.input_shape = check_input(ck, ck:required(value, "input", "input",
    "a feature count, { channels = C, length = L } or { channels = C, height = H, width = W }"))
  model.input = shape.features(model.input_shape)
  model.batch = ck:integer(ck:required(value, "batch", "batch", "an integer >= 1"), "batch", 1, M.MAX_BATCH)
  model.layers = check_layers(ck, ck:required(value, "layers", "layers", "a list of layer tables"),
    model.input_shape, model.batch)
  model.loss = ck:choice(ck:required(value, "loss", "loss", one_of(LOSSES)), "loss", LOSSES, "loss")
  -- the layer whose output is the network's: the last one, unless that only flattens
  local last_index = #model.layers
  while model.layers[last_index].kind == "flatten" and last_index > 1 do
    last_index = last_index - 1
  end
  local last_layer = model.layers[last_index]
  local last = last_layer.activation
  -- the fix to suggest: that layer's activation where it may take this one (sigmoid on a dense,
  -- conv or batchnorm layer, softmax where the output is flat), else a dense layer after it
  local function set_last(activation)
    local takes = last_layer.kind == "dense" or last_layer.kind == "batchnorm"
      or (activation == "sigmoid" and last_layer.kind:match("^conv") ~= nil)
    if takes and (activation ~= "softmax" or not shape.is_spatial(last_layer.out_shape)) then
      return "layers[" .. last_index .. "].activation = \"" .. activation .. "\""
    end
    return "a dense layer with activation = \"" .. activation .. "\" after layers[" .. last_index .. "]"
  end
  -- sigmoid goes with bce and softmax with ce: the likelier fix for either mix-up is the loss
  if model.loss == "bce" and last == "softmax" then
    ck:fail("loss", "bce needs a sigmoid last layer (last activation is 'softmax')",
      "loss = \"ce\" for a softmax last layer, or " .. set_last("sigmoid"))
  elseif model.loss == "bce" and last ~= "sigmoid" then
    ck:fail("loss", "bce needs a sigmoid last layer (last activation is '" .. last .. "')",
      set_last("sigmoid") .. ", or loss = \"mse\"")
  elseif model.loss == "ce" and last == "sigmoid" then
    ck:fail("loss", "ce needs a softmax last layer (last activation is 'sigmoid')",
      "loss = \"bce\" for a sigmoid last layer, or " .. set_last("softmax"))
  elseif model.loss == "ce" and last ~= "softmax" then
    ck:fail("loss", "ce needs a softmax last layer (last activation is '" .. last .. "')",
      set_last("softmax") .. ", or loss = \"mse\"")
  end
  local dtype = rawget(value, "dtype")
  model.dtype = dtype == nil and "float" or ck:choice(dtype, "dtype", DTYPES, "dtype")
  model.optimizer = check_optimizer(ck, rawget(value, "optimizer"))
  model.init = check_init(ck, rawget(value, "init"))
  local unroll = rawget(value, "unroll")
  model.unroll = unroll == nil and "auto" or ck:choice(unroll, "unroll", UNROLLS, "unroll mode")
  model.standardize = check_standardize(ck, rawget(value, "standardize"), model, last_index)
  check_float_constants(ck, model)
  check_sizes(ck, model)
  return model
end

-- Run the spec file at `path` (shown as `display` in messages) and validate it.
function M.load(path, display)
  local value, err = sandbox.run(path, display)
  if err then
    errors.raise(err)
  end
  return M.validate(value, display)
end

return M
