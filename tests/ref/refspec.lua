-- tests/ref/refspec.lua: a spec (v1 or v2) with every default of docs/spec.md applied, and that
-- net as a C initializer of the reference engine's ref_net (tests/ref/ref.h). Used by
-- tests/cases.lua (the model suite's case headers) and tests/cross/refnet.lua (make cross), and
-- written from the spec documentation alone, independently of the generator (gen/spec.lua).
-- The spec is trusted (it has passed the generator, or was drawn by cases.lua); the asserts only
-- catch a test bug.

-- The defaults of docs/spec.md.
local DEFAULTS = {
  alpha = 0.01,
  dtype = "float",
  unroll = "auto",
  optimizer = { type = "sgd", lr = 0.01 },
  momentum_beta = 0.9,
  adam = { lr = 0.001, beta1 = 0.9, beta2 = 0.999, eps = 1e-8 },
  adamw_weight_decay = 0.01,
  weight_decay = 0,
  schedule_gamma = 0.1, schedule_min_lr = 0,
  init = { scheme = "xavier", seed = 1 },
  stride = 1, padding = 0, dilation = 1, groups = 1, bias = true,
  bn_eps = 1e-5, bn_momentum = 0.1, bn_activation = "linear",
}

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

-- Output size of a window along one dimension: floor((n + pb + pa - d(k-1) - 1) / s) + 1.
local function window_size(n, k, s, d, before, after)
  return (n + before + after - d * (k - 1) - 1) // s + 1
end

-- A spec with every default applied: what the reference engine is told.

local function integer(x, what)
  local n = math.tointeger(x)
  assert(n, what .. " must be integral")
  return n
end

local function resolve_optimizer(opt)
  if opt == nil then
    return { type = DEFAULTS.optimizer.type, lr = DEFAULTS.optimizer.lr,
             weight_decay = DEFAULTS.weight_decay }
  end
  local r = { type = opt.type }
  if opt.type == "sgd" then
    r.lr = opt.lr or DEFAULTS.optimizer.lr
  elseif opt.type == "momentum" then
    r.lr = opt.lr or DEFAULTS.optimizer.lr
    r.beta = opt.beta or DEFAULTS.momentum_beta
  elseif opt.type == "adam" or opt.type == "adamw" then
    for _, key in ipairs({ "lr", "beta1", "beta2", "eps" }) do
      r[key] = opt[key] or DEFAULTS.adam[key]
    end
  else
    error("unknown optimizer " .. tostring(opt.type))
  end
  r.weight_decay = opt.weight_decay or
    (opt.type == "adamw" and DEFAULTS.adamw_weight_decay or DEFAULTS.weight_decay)
  local schedule = opt.schedule
  if schedule then
    r.schedule = { type = schedule.type }
    if schedule.type == "step" then
      r.schedule.every = integer(schedule.every, "schedule.every")
      r.schedule.gamma = schedule.gamma or DEFAULTS.schedule_gamma
    else
      assert(schedule.type == "cosine", "unknown schedule " .. tostring(schedule.type))
      r.schedule.steps = integer(schedule.steps, "schedule.steps")
      r.schedule.min_lr = schedule.min_lr or DEFAULTS.schedule_min_lr
    end
  end
  return r
end

local SPATIAL_RANK = { conv1d = 1, maxpool1d = 1, avgpool1d = 1, conv2d = 2, maxpool2d = 2,
  avgpool2d = 2 }

-- A per-dimension field as { h, w }: a 1-D layer's value is the w entry (h is 1).
local function dims_of(value, rank, what)
  if rank == 1 then
    return { 1, integer(value, what) }
  elseif type(value) == "table" then
    return { integer(value[1], what .. "[1]"), integer(value[2], what .. "[2]") }
  end
  local n = integer(value, what)
  return { n, n }
end

-- padding -> before, after per dimension: an integer p is p and p; "valid" 0; "same" a total of
-- d(k-1), floor(total/2) before and the rest after.
local function resolve_padding(padding, rank, kernel, dilation, what)
  local before, after = { 0, 0 }, { 0, 0 }
  for i = rank == 1 and 2 or 1, 2 do
    if padding == "same" then
      local total = dilation[i] * (kernel[i] - 1)
      before[i], after[i] = total // 2, total - total // 2
    elseif padding ~= "valid" then
      local p = dims_of(padding, rank, what)
      before[i], after[i] = p[i], p[i]
    end
  end
  return before, after
end

local function features(shape)
  return shape.c * shape.h * shape.w
end

-- One layer with its defaults, its output shape and its tensors ({name, rows, cols} in
-- net_params order), from the input shape `shape`.
local function resolve_layer(layer, shape, l)
  local kind = layer.type or "dense"
  local what = string.format("layers[%d]", l)
  local r = { kind = kind, activation = "linear", alpha = layer.alpha or DEFAULTS.alpha, tensors = {} }
  local rank = SPATIAL_RANK[kind]
  local function tensor(name, rows, cols)
    r.tensors[#r.tensors + 1] = { name = name .. l, rows = rows, cols = cols }
  end
  if kind == "dense" then
    r.units = integer(layer.units, what .. ".units")
    r.activation = layer.activation
    tensor("W", r.units, features(shape))
    tensor("b", r.units, 1)
    r.out = { rank = 0, c = r.units, h = 1, w = 1 }
  elseif rank then
    assert(shape.rank == rank, what .. ": input of the wrong rank")
    r.kernel = dims_of(layer.kernel, rank, what .. ".kernel")
    local conv = kind:sub(1, 4) == "conv"
    r.stride = layer.stride and dims_of(layer.stride, rank, what .. ".stride")
      or (conv and dims_of(DEFAULTS.stride, rank, "stride") or r.kernel)
    r.dilation = conv and dims_of(layer.dilation or DEFAULTS.dilation, rank, what .. ".dilation")
      or { 1, 1 }
    if conv then
      r.pad_before, r.pad_after = resolve_padding(layer.padding or DEFAULTS.padding, rank, r.kernel,
        r.dilation, what .. ".padding")
    else
      r.pad_before, r.pad_after = { 0, 0 }, { 0, 0 }
    end
    local size = { shape.h, shape.w }
    local out = {}
    for i = 1, 2 do
      out[i] = window_size(size[i], r.kernel[i], r.stride[i], r.dilation[i], r.pad_before[i],
        r.pad_after[i])
      assert(out[i] >= 1, what .. ": output size below 1")
    end
    r.out = { rank = rank, c = shape.c, h = out[1], w = out[2] }
    if conv then
      r.filters = integer(layer.filters, what .. ".filters")
      r.groups = integer(layer.groups or DEFAULTS.groups, what .. ".groups")
      assert(shape.c % r.groups == 0 and r.filters % r.groups == 0, what .. ": groups")
      if layer.bias == nil then r.bias = DEFAULTS.bias else r.bias = layer.bias end
      r.activation = layer.activation
      r.out.c = r.filters
      tensor("W", r.filters, shape.c // r.groups * r.kernel[1] * r.kernel[2])
      if r.bias then tensor("b", r.filters, 1) end
    end
  elseif kind == "global_avgpool" then
    r.out = { rank = 0, c = shape.c, h = 1, w = 1 }
  elseif kind == "batchnorm" then
    r.eps = layer.eps or DEFAULTS.bn_eps
    r.momentum = layer.momentum or DEFAULTS.bn_momentum
    r.activation = layer.activation or DEFAULTS.bn_activation
    for _, name in ipairs({ "gamma", "beta", "mean", "var" }) do
      tensor(name, shape.c, 1)
    end
    r.out = shape
  elseif kind == "flatten" then
    r.out = { rank = 0, c = features(shape), h = 1, w = 1 }
  else
    error(what .. ": unknown layer type " .. tostring(kind))
  end
  return r
end

local function resolve_input(input)
  if type(input) ~= "table" then
    local n = integer(input, "input")
    return { rank = 0, c = n, h = 1, w = 1 }
  end
  local c = integer(input.channels, "input.channels")
  if input.length ~= nil then
    return { rank = 1, c = c, h = 1, w = integer(input.length, "input.length") }
  end
  return { rank = 2, c = c, h = integer(input.height, "input.height"),
           w = integer(input.width, "input.width") }
end

local function resolve(spec, path)
  local case = {
    name = spec.name,
    path = path,
    input_shape = resolve_input(spec.input),
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
    standardize = spec.standardize == true,
  }
  case.input = features(case.input_shape)
  local shape = case.input_shape
  for l, layer in ipairs(spec.layers) do
    case.layers[l] = resolve_layer(layer, shape, l)
    shape = case.layers[l].out
  end
  return case
end

-- The C descriptor.

local function c_number(x)
  return shortest(x + 0.0)
end

-- The reference engine's offset function of each tensor name.
local OFFSET_FUNCTION = { W = "ref_weight_offset", b = "ref_bias_offset", gamma = "ref_gamma_offset",
  beta = "ref_beta_offset", mean = "ref_mean_offset", var = "ref_var_offset" }

-- X(field, reference offset function, layer, flat offset, rows, cols) for every tensor of
-- net_params: the layout, computed here independently of both the generator and the reference
-- engine (rows x cols is the tensor's size; a conv W is filters x (C/groups * kernel positions)).
local function tensor_table(case)
  local lines, offset = {}, 0
  if case.standardize then -- layer 0, x' = (x - input_mean) * input_inv_scale: two n0 vectors first
    for _, name in ipairs({ "input_mean", "input_inv_scale" }) do
      lines[#lines + 1] = string.format("    X(%s, ref_%s_offset, 0, %d, %d, 1)", name, name, offset,
        case.input)
      offset = offset + case.input
    end
  end
  for l, layer in ipairs(case.layers) do
    for _, t in ipairs(layer.tensors) do
      lines[#lines + 1] = string.format("    X(%s, %s, %d, %d, %d, %d)", t.name,
        OFFSET_FUNCTION[t.name:match("^%a+")], l, offset, t.rows, t.cols)
      offset = offset + t.rows * t.cols
    end
  end
  if #lines == 0 then
    return "    /* no parameters */", 0
  end
  return table.concat(lines, " \\\n"), offset
end

local KIND_ENUM = { dense = "REF_DENSE", conv1d = "REF_CONV1D", conv2d = "REF_CONV2D",
  maxpool1d = "REF_MAXPOOL1D", avgpool1d = "REF_AVGPOOL1D", maxpool2d = "REF_MAXPOOL2D",
  avgpool2d = "REF_AVGPOOL2D", global_avgpool = "REF_GLOBAL_AVGPOOL", batchnorm = "REF_BATCHNORM",
  flatten = "REF_FLATTEN" }

local function enum(s)
  return "REF_" .. s:upper()
end

local function pair(p)
  return string.format("{%d, %d}", p[1], p[2])
end

-- One ref_layer initializer with the fields its kind uses.
local function layer_initializer(layer)
  local fields = { ".kind = " .. KIND_ENUM[layer.kind] }
  local function add(text) fields[#fields + 1] = text end
  if layer.kind == "dense" then
    add(".units = " .. layer.units)
  end
  if layer.filters then
    add(".filters = " .. layer.filters)
  end
  if layer.kernel then
    add(".kernel = " .. pair(layer.kernel))
    add(".stride = " .. pair(layer.stride))
  end
  if layer.filters then
    add(".pad_before = " .. pair(layer.pad_before))
    add(".pad_after = " .. pair(layer.pad_after))
    add(".dilation = " .. pair(layer.dilation))
    add(".groups = " .. layer.groups)
    add(".bias = " .. (layer.bias and 1 or 0))
  end
  if layer.kind == "batchnorm" then
    add(".eps = " .. c_number(layer.eps))
    add(".momentum = " .. c_number(layer.momentum))
  end
  if layer.kind == "dense" or layer.filters or layer.kind == "batchnorm" then
    add(".activation = " .. enum(layer.activation))
    add(".alpha = " .. c_number(layer.alpha))
  end
  return "    {" .. table.concat(fields, ", ") .. "},"
end

-- The schedule's fields of the ref_optimizer initializer ("" without one).
local function schedule_text(schedule)
  if not schedule then
    return ""
  elseif schedule.type == "step" then
    return string.format(",\n                  .schedule = REF_SCHEDULE_STEP, .every = %d, .gamma = %s",
      schedule.every, c_number(schedule.gamma))
  end
  return string.format(",\n                  .schedule = REF_SCHEDULE_COSINE, .steps = %d, .min_lr = %s",
    schedule.steps, c_number(schedule.min_lr))
end

-- The case as C: `static const ref_layer <layers_name>[]` and `static const ref_net <net_name>`.
local function ref_net_text(case, net_name, layers_name)
  local opt = case.optimizer
  local shape = case.input_shape
  local out = { string.format("static const ref_layer %s[] = {", layers_name) }
  for _, layer in ipairs(case.layers) do
    out[#out + 1] = layer_initializer(layer)
  end
  for _, line in ipairs({
    "};",
    "",
    string.format("static const ref_net %s = {", net_name),
    string.format("    .name = %q,", case.name),
    string.format("    .input = %d, .input_rank = %d, .input_channels = %d, .input_size = {%d, %d},",
      case.input, shape.rank, shape.rank == 0 and 0 or shape.c, shape.rank == 0 and 0 or shape.h,
      shape.rank == 0 and 0 or shape.w),
    string.format("    .batch = %d, .layers = %d, .layer = %s,", case.batch, #case.layers, layers_name),
    string.format("    .loss = %s,", enum(case.loss)),
    string.format("    .optimizer = {.kind = %s, .lr = %s, .beta = %s, .beta1 = %s, .beta2 = %s, .eps = %s,",
      enum(opt.type), c_number(opt.lr), c_number(opt.beta or 0), c_number(opt.beta1 or 0),
      c_number(opt.beta2 or 0), c_number(opt.eps or 0)),
    string.format("                  .weight_decay = %s%s},", c_number(opt.weight_decay),
      schedule_text(opt.schedule)),
    string.format("    .dtype = %s,", enum(case.dtype)),
    string.format("    .init = %s, .init_seed = %dul,", enum(case.init.scheme), case.init.seed),
    string.format("    .unroll = %q,", case.unroll) .. (case.standardize and "\n    .standardize = 1," or ""),
    "};",
    "",
  }) do
    out[#out + 1] = line
  end
  return table.concat(out, "\n")
end

return {
  DEFAULTS = DEFAULTS,
  resolve = resolve,
  tensor_table = tensor_table,
  ref_net_text = ref_net_text,
  window_size = window_size,
  shortest = shortest,
}
