-- Emission: from a plan to the text of every file of the generated folder. Templates hold the
-- fixed skeletons; the per-layer code comes from the ops modules.
local activations = require("ops.activations")
local architecture = require("architecture")
local dense = require("ops.dense")
local diagram = require("diagram")
local emit = require("emit")
local init = require("ops.init")
local kinds = require("ops.kinds")
local losses = require("ops.losses")
local optimizers = require("ops.optimizers")
local q8_code = require("q8.code")
local model_summary = require("summary")
local version = require("version")

local M = {}

local function basename(path)
  return path:match("([^/\\]+)$") or path
end

local function layer_comment(plan, layer, batch)
  local product = string.format("%s[%d][%d] * %s[%d][%d] + %s", layer.W, layer.n_out, layer.n_in,
    layer.A_prev, layer.n_in, batch, layer.b)
  local head = string.format("/* layer %d: dense %d -> %d, %s.  ", layer.index, layer.n_in,
    layer.n_out, layer.activation)
  if not layer.has_A then
    return string.format("%s%s[%d][%d] = %s */", head, layer.Z, layer.n_out, batch, product)
  elseif layer.Z == layer.A then
    return string.format("%s%s[%d][%d] = %s(%s) */", head, layer.A, layer.n_out, batch,
      layer.activation, product)
  end
  return string.format("%s%s[%d][%d] = %s, %s = %s(%s) */", head, layer.Z, layer.n_out, batch,
    product, layer.A, layer.activation, layer.Z)
end

local function struct_fields(plan, per_layer)
  local lines = {}
  for _, layer in ipairs(plan.layers) do
    for _, field in ipairs(per_layer(layer)) do
      lines[#lines + 1] = "    " .. plan.real .. " " .. field .. ";"
    end
  end
  return table.concat(lines, "\n")
end

local function summary(plan)
  local model = plan.model
  local lines = {
    string.format(" * Network: %d inputs, batch %d, %s, loss %s, optimizer %s, unroll %s.",
      plan.inputs, plan.batch, plan.dtype, model.loss, model.optimizer.type, model.unroll),
    " * Code per layer: batch functions (forward, backward, train_step) / one-sample (predict, infer).",
  }
  for _, layer in ipairs(plan.layers) do
    local what = layer.kind == "dense" and string.format("dense %d -> %d", layer.n_in, layer.n_out)
      or model_summary.shape_text(layer)
    lines[#lines + 1] = string.format(" *   layer %d: %s, %s%s, %d parameters, code %s",
      layer.index, what, layer.activation,
      layer.alpha and string.format(" (alpha %s)", emit.shortest(layer.alpha)) or "",
      layer.params, model_summary.code_shapes(layer))
  end
  lines[#lines + 1] = string.format(" * Parameters: %d. FLOPs: %d per forward, %d per train step.",
    plan.param_count, plan.flops.forward, plan.flops.train_step)
  return table.concat(lines, "\n")
end

-- The C names of a layer's parameters (with `params`, "p->" or "<name>_weights."), activations
-- and, for batchnorm, the cache's batch statistics.
local function layer_names(layer, params, cache)
  local l = layer.index
  return {
    params = params,
    W = params .. layer.W, b = params .. layer.b,
    gamma = params .. "gamma" .. l, beta = params .. "beta" .. l,
    mean = params .. "mean" .. l, var = params .. "var" .. l,
    Z = cache .. layer.Z, A = cache .. layer.A,
    A_prev = layer.A_prev == "A0" and "A0" or cache .. layer.A_prev,
    batch_mean = layer.batch_mean and cache .. layer.batch_mean,
    batch_var = layer.batch_var and cache .. layer.batch_var,
  }
end

local function batch_names(layer)
  return layer_names(layer, "p->", "c->")
end

local function forward_body(plan)
  local buf = emit.buffer(1)
  for _, layer in ipairs(plan.layers) do
    if layer.position > 1 then
      buf:line("")
    end
    if layer.kind == "dense" then
      buf:line(layer_comment(plan, layer, plan.batch))
      dense.forward(buf, plan, layer, batch_names(layer), plan.batch, layer.unroll)
    else
      buf:line("/* layer %d: %s.  %s[%d][%d] */", layer.index, kinds[layer.kind].describe(layer),
        layer.A, layer.n_out, plan.batch)
      kinds[layer.kind].forward(buf, plan, layer, batch_names(layer), plan.batch, true)
    end
  end
  return buf:text()
end

local function cost_body(plan)
  local buf = emit.buffer(1)
  local last = plan.last
  losses.cost(buf, plan, { Z = "c->" .. last.Z, A = "c->" .. last.A, Y = "Y" }, plan.batch)
  return buf:text()
end

-- Backward, layer by layer from the top: each layer's dZ is first propagated to the layer below
-- (which needs this layer's W as it was), then this layer's dW and db are formed. Given `lr` (a C
-- literal), the body of train_step's fused SGD instead: dW and db are applied to W and b as they
-- are computed (W -= lr dW) and never stored. `scratch` is how the body reaches the scratch
-- struct ("s->" by default).
local function backward_body(plan, lr, scratch)
  scratch = scratch or "s->"
  local buf = emit.buffer(1)
  local layers = plan.layers
  local function names(layer)
    local v = batch_names(layer)
    v.dZ = scratch .. layer.dZ
    if lr then
      v.dW, v.db, v.lr = "p->" .. layer.W, "p->" .. layer.b, lr
    else
      local l = layer.index
      v.dW, v.db = "grad->" .. layer.W, "grad->" .. layer.b
      v.dgamma, v.dbeta = "grad->gamma" .. l, "grad->beta" .. l
      v.dmean, v.dvar = "grad->mean" .. l, "grad->var" .. l
    end
    return v
  end
  local last = layers[#layers]
  local v = names(last)
  v.Y = "Y"
  buf:line("/* layer %d: %s[%d][%d] from the loss */", last.index, last.dZ, last.n_out, plan.batch)
  losses.output_delta(buf, plan, v, plan.batch)
  for l = #layers, 1, -1 do
    local layer = layers[l]
    local below = layers[l - 1]
    if below and below.kind == "standardize" then
      below = nil -- the standardization takes no gradient
    end
    if layer.kind == "standardize" then
      if not lr then
        buf:line("")
        buf:line("/* layer 0: the input standardization is not trained: its gradient is 0 */")
        kinds.standardize.backward(buf, plan, layer, { grad = "grad->" })
      end
    elseif layer.kind ~= "dense" then
      v = names(layer)
      v.dA_prev = below and scratch .. below.dZ
      v.gathered = scratch .. "transposed"
      buf:line("")
      buf:line("/* layer %d: the gradients of %s%s */", layer.index, kinds[layer.kind].describe(layer),
        below and string.format(", and %s[%d][%d] = dJ/d%s * g'(%s)", below.dZ, below.n_out, plan.batch,
          below.A, below.Z) or "")
      kinds[layer.kind].backward(buf, plan, layer, v, plan.batch)
      if below then
        local w = names(below)
        activations.apply_derivative(buf, plan, below, w.dZ, w.Z, w.A, below.n_out, plan.batch)
      end
    else
      if below then
        local w = names(below)
        w.W_next, w.dZ_next = "p->" .. layer.W, scratch .. layer.dZ
        buf:line("")
        buf:line("/* layer %d: %s[%d][%d] = (%s^T %s) * g'(%s), while %s is unchanged */", below.index,
          below.dZ, below.n_out, plan.batch, layer.W, layer.dZ, below.Z, layer.W)
        dense.propagate(buf, plan, below, layer, w, plan.batch)
      end
      v = names(layer)
      buf:line("")
      if lr then
        buf:line("/* layer %d: %s -= lr %s %s^T, %s -= lr (row sums of %s) */", layer.index, layer.W,
          layer.dZ, layer.A_prev, layer.b, layer.dZ)
      else
        buf:line("/* layer %d: %s = %s %s^T, %s = row sums of %s */", layer.index, "d" .. layer.W,
          layer.dZ, layer.A_prev, "d" .. layer.b, layer.dZ)
      end
      if layer.unroll == "full" then
        dense.parameter_gradients(buf, plan, layer, v, plan.batch, layer.unroll)
      else
        v.A_prevT = layer.A_prev .. "T"
        buf:open("{")
        buf:line("%s (*%s)[%d] = (%s (*)[%d])%stransposed; /* %s transposed: [sample][unit] */",
          plan.real, v.A_prevT, layer.n_in, plan.real, layer.n_in, scratch, layer.A_prev)
        dense.parameter_gradients(buf, plan, layer, v, plan.batch, layer.unroll)
        buf:close()
      end
    end
  end
  -- say which arguments a network's backward has no use for (one layer reads no W; a network of
  -- pools has no parameters at all)
  local text = buf:text()
  local uses_params = text:find("p->", 1, true) ~= nil
  if layers[1].kind == "standardize" then
    -- layer 1 reads the standardized copy of the input that forward kept
    text = "    (void)A0; /* backward reads the standardized input, c->X_std */\n" .. text
  elseif not text:find("%f[%w_]A0%f[^%w_]") then
    -- a first layer without parameters (a pool) needs its input for nothing in backward
    text = "    (void)A0; /* the first layer has no parameters and passes nothing further down */\n" .. text
  end
  if not lr and #plan.tensors == 0 then
    text = "    (void)p; (void)grad; /* a network without parameters */\n" .. text
  elseif not uses_params then
    text = "    (void)p; /* one layer: no W is needed to propagate dZ further down */\n" .. text
  end
  return text
end

-- One-sample inference with two ping-pong buffers as wide as the widest hidden layer: each layer
-- reads one and writes the other, applying its activation in place. The first layer reads x and
-- the last writes y directly. `params` is how the code reaches the weights ("p->" or a constant).
local function single_sample_body(plan, params)
  local buf = emit.buffer(1)
  local hidden_width = plan.hidden_width
  buf:line("const %s (*A0)[1] = (const %s (*)[1])x;", plan.real, plan.real)
  buf:line("%s (*out)[1] = (%s (*)[1])y;", plan.real, plan.real)
  local hidden_layers = #plan.layers - 1
  if hidden_layers == 1 then
    buf:line("%s ping[%d][1];", plan.real, hidden_width)
  elseif hidden_layers > 1 then
    buf:line("%s ping[%d][1], pong[%d][1];", plan.real, hidden_width, hidden_width)
  end
  local input = "A0"
  for _, layer in ipairs(plan.layers) do
    local output = layer == plan.last and "out" or (input == "ping" and "pong" or "ping")
    buf:line("")
    local v = layer_names(layer, params, "")
    v.Z, v.A, v.A_prev = output, output, input
    if layer.kind == "dense" then
      buf:line("/* layer %d: dense %d -> %d, %s: %s[%d] = %s(%s %s[%d] + %s) */", layer.index,
        layer.n_in, layer.n_out, layer.activation, output, layer.n_out, layer.activation, layer.W,
        input, layer.n_in, layer.b)
      dense.forward(buf, plan, layer, v, 1, layer.unroll_predict)
    else
      buf:line("/* layer %d: %s: %s[%d] */", layer.index, kinds[layer.kind].describe(layer), output,
        layer.n_out)
      kinds[layer.kind].forward(buf, plan, layer, v, 1, false)
    end
    input = output
  end
  return buf:text()
end

local function body(plan, fill)
  local buf = emit.buffer(1)
  fill(buf, plan)
  return buf:text()
end

local function weights_declarations(plan, weights)
  if not weights then
    return ""
  end
  return string.format([[

/* Constant weights from %s and one-sample inference with them (%s_weights.c), bit-identical to
 * %s_predict(&%s_weights, x, y), using %s_INFER_STACK_BYTES of stack and no other state. */
#define %s_HAS_WEIGHTS 1
extern const %s_params %s_weights;
void %s_infer(const %s_real *x, %s_real *y);
]], weights.file, plan.name, plan.name, plan.name, plan.NAME, plan.NAME, plan.name, plan.name,
    plan.name, plan.name, plan.name)
end

-- The brace initializer of <name>_params from the flat list of values, eight to a line.
local function initializer(plan, values)
  local buf = emit.buffer(1)
  local next_value = 1
  local function take(count)
    local items = {}
    for i = 1, count do
      items[i] = emit.literal(values[next_value], plan.dtype)
      next_value = next_value + 1
    end
    return items
  end
  local function row(items, suffix)
    if #items <= 8 then
      buf:line("{%s}%s", table.concat(items, ", "), suffix)
      return
    end
    buf:open("{")
    for i = 1, #items, 8 do
      buf:line("%s%s", table.concat(items, ", ", i, math.min(i + 7, #items)), i + 8 > #items and "" or ",")
    end
    buf:close("}" .. suffix)
  end
  -- a tensor of any rank: braces per dimension, the innermost rows eight values to a line
  local function nested(dims, depth, suffix)
    if depth == #dims then
      row(take(dims[depth]), suffix)
      return
    end
    buf:open("{")
    for i = 1, dims[depth] do
      nested(dims, depth + 1, i < dims[depth] and "," or "")
    end
    buf:close("}" .. suffix)
  end
  local tensors = plan.tensors
  for t, tensor in ipairs(tensors) do
    local suffix = t == #tensors and "" or ","
    local shape_text = "[" .. table.concat(tensor.dims, "][") .. "]"
    if #tensor.dims == 2 then -- a dense W, as it always was
      buf:open("{ /* %s%s */", tensor.name, shape_text)
      for _ = 1, tensor.dims[1] do
        row(take(tensor.dims[2]), ",")
      end
      buf:close("}" .. suffix)
    elseif #tensor.dims == 1 then
      buf:line("/* %s%s */", tensor.name, shape_text)
      row(take(tensor.dims[1]), suffix)
    else
      buf:line("/* %s%s */", tensor.name, shape_text)
      nested(tensor.dims, 1, suffix)
    end
  end
  return buf:text()
end

-- The input's shape, for a spatial input: NET_INPUT_CHANNELS and NET_INPUT_LENGTH, or
-- NET_INPUT_HEIGHT and NET_INPUT_WIDTH (nothing for a flat input).
local function input_shape_defines(plan)
  local shape = plan.input_shape
  local standardized = plan.model.standardize and string.format("\n#define %s_STANDARDIZE 1 "
    .. "/* x' = (x - input_mean) * input_inv_scale first */", plan.NAME) or ""
  if not shape.dims then
    return standardized
  end
  local names = #shape.dims == 1 and { "LENGTH" } or { "HEIGHT", "WIDTH" }
  local lines = { string.format("\n#define %s_INPUT_CHANNELS %d", plan.NAME, shape.channels) }
  for i, name in ipairs(names) do
    lines[#lines + 1] = string.format("\n#define %s_INPUT_%s %s%d", plan.NAME, name,
      string.rep(" ", 8 - #name), shape.dims[i])
  end
  return table.concat(lines) .. standardized
end

local function header_values(plan, weights, q8)
  local model = plan.model
  local has_conv = false
  for _, layer in ipairs(plan.layers) do
    has_conv = has_conv or kinds[layer.kind] ~= nil and kinds[layer.kind].gathered_reals ~= nil
  end
  local optimizer_lines = {}
  for i, field in ipairs(optimizers.state_fields(plan)) do
    optimizer_lines[i] = "    " .. field
  end
  return {
    name = plan.name, NAME = plan.NAME, version = version, spec = basename(model.file),
    summary = summary(plan),
    inputs = plan.inputs, input_shape = input_shape_defines(plan), outputs = plan.outputs, batch = plan.batch, layer_count = #plan.model.layers,
    param_count = plan.param_count, init_seed = model.init.seed, init_scheme = model.init.scheme,
    arch_hash = string.format("%016x", architecture.hash(plan)),
    params_bytes = plan.bytes.params, cache_bytes = plan.bytes.cache,
    scratch_bytes = plan.bytes.scratch, optimizer_bytes = plan.bytes.optimizer,
    infer_bytes = plan.bytes.infer,
    frame_allowance = plan.bytes.frame_allowance, unrolled_backward_macs = plan.unrolled_backward_macs,
    forward_flops = plan.flops.forward, train_step_flops = plan.flops.train_step,
    ctype = plan.ctype, loss = model.loss, optimizer = model.optimizer.type,
    params_fields = struct_fields(plan, function(x)
      local fields = {}
      for i, tensor in ipairs(x.tensors) do
        fields[i] = tensor.name .. "[" .. table.concat(tensor.dims, "][") .. "]"
      end
      return fields
    end),
    cache_fields = struct_fields(plan, function(x)
      local fields = { string.format("%s[%d][%d]", x.A, x.n_out, plan.batch) }
      if x.Z ~= x.A then
        table.insert(fields, 1, string.format("%s[%d][%d]", x.Z, x.n_out, plan.batch))
      end
      if x.batch_mean then
        fields[#fields + 1] = string.format("%s[%d]", x.batch_mean, x.spec.channels)
        fields[#fields + 1] = string.format("%s[%d]", x.batch_var, x.spec.channels)
      end
      return fields
    end),
    scratch_fields = struct_fields(plan, function(x)
      return x.dZ and { string.format("%s[%d][%d]", x.dZ, x.n_out, plan.batch) } or {}
    end) .. (plan.transposed_reals > 0 and string.format(
      "\n    %s transposed[%d]; /* %s */", plan.real, plan.transposed_reals,
      has_conv and "A[l-1] transposed for a dense dW, or the input rows a conv dW gathers"
        or "A[l-1] transposed, for dW = dZ A[l-1]^T") or ""),
    optimizer_fields = table.concat(optimizer_lines, "\n"),
    weights_declarations = weights_declarations(plan, weights),
    q8_declarations = q8 and q8_code.declarations(plan, q8.network, q8.prepared) or "",
  }
end


local function source_values(plan)
  return {
    name = plan.name, NAME = plan.NAME, version = version, spec = basename(plan.model.file),
    init_body = body(plan, init.body),
    output = plan.last.A,
    predict_body = single_sample_body(plan, "p->"),
  }
end

-- Backward and the optimizer's step, for train_step. sgd is fused into backward, which applies
-- each gradient element to its parameter as it is computed; momentum and adam update after a
-- plain backward.
-- train_step's update of every batchnorm layer's running statistics, after the step.
local function running_statistics(plan)
  local buf = emit.buffer(1)
  for _, layer in ipairs(plan.layers) do
    if layer.kind == "batchnorm" then
      buf:line("")
      buf:line("/* layer %d: running statistics from the batch's (unbiased variance) */", layer.index)
      kinds.batchnorm.update_running(buf, plan, layer, batch_names(layer), plan.batch)
    end
  end
  local text = buf:text()
  return text == "" and "" or ("\n" .. text)
end

local function backward_update_body(plan)
  local opt = plan.model.optimizer
  local buf = emit.buffer(1)
  if optimizers.fuses_into_backward(plan) then
    local real, NAME = plan.real, plan.NAME
    buf:line("const %s (*A0)[%s_BATCH] = (const %s (*)[%s_BATCH])X_data;", real, NAME, real, NAME)
    buf:line("const %s (*Y)[%s_BATCH] = (const %s (*)[%s_BATCH])Y_data;", real, NAME, real, NAME)
    if opt.schedule then
      optimizers.schedule_lines(buf, plan)
    end
    return buf:text() .. "\n" .. backward_body(plan, optimizers.lr_expression(plan), "s->scratch.")
  end
  buf:line("%s_KERNEL(backward)(p, c, X_data, Y_data, &s->grad, &s->scratch);", plan.NAME)
  buf:line("")
  optimizers.update(buf, plan)
  return buf:text() .. running_statistics(plan)
end

local function kernel_values(plan)
  return {
    name = plan.name, NAME = plan.NAME, version = version, spec = basename(plan.model.file),
    forward_body = forward_body(plan),
    cost_body = cost_body(plan),
    backward_body = backward_body(plan),
    sgd_body = body(plan, optimizers.sgd_step),
    optimizer = optimizers.describe(plan.model.optimizer),
    backward_update_body = backward_update_body(plan),
  }
end

-- Returns a list of { name = file name, text = contents } for the output folder. `weights`, when
-- given, is { file = display name, values = flat list } for a const-weights build.
function M.files(plan, templates, weights, q8)
  local spec_name = basename(plan.model.file)
  local files = {
    { name = plan.name .. ".h", text = emit.render(templates.header, header_values(plan, weights, q8), "model.h.in") },
    { name = plan.name .. ".c", text = emit.render(templates.source, source_values(plan), "model.c.in") },
    { name = plan.name .. "_kernels.h", text = emit.render(templates.kernels, kernel_values(plan),
      "model_kernels.h.in") },
    { name = plan.name .. "_io.c", text = emit.render(templates.io, {
      name = plan.name, NAME = plan.NAME, version = version, spec = spec_name,
      dtype_code = plan.dtype == "float" and 1 or 2,
      uint_type = plan.dtype == "float" and "uint32_t" or "uint64_t",
    }, "model_io.c.in") },
    { name = "gradc_rt.h", text = templates.runtime },
    { name = plan.name .. ".dot", text = diagram.text(plan) },
    { name = "SUMMARY.md", text = model_summary.markdown(plan) },
  }
  if weights then
    files[#files + 1] = { name = plan.name .. "_weights.c", text = emit.render(templates.weights, {
      name = plan.name, NAME = plan.NAME, version = version, spec = spec_name,
      weights_file = weights.file,
      initializer = initializer(plan, weights.values),
      infer_body = single_sample_body(plan, "p->"),
    }, "model_weights.c.in") }
  end
  if q8 then
    for _, file in ipairs(q8_code.files(plan, q8.network, q8.prepared,
        { weights = weights.file, calib = q8.calib })) do
      files[#files + 1] = file
    end
  end
  return files
end

return M
