-- Emission: from a plan to the text of every file of the generated folder. Templates hold the
-- fixed skeletons; the per-layer code comes from the ops modules.
local architecture = require("architecture")
local dense = require("ops.dense")
local diagram = require("diagram")
local emit = require("emit")
local init = require("ops.init")
local losses = require("ops.losses")
local optimizers = require("ops.optimizers")
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
    lines[#lines + 1] = string.format(" *   layer %d: dense %d -> %d, %s%s, %d parameters, code %s",
      layer.index, layer.n_in, layer.n_out, layer.activation,
      layer.alpha and string.format(" (alpha %s)", emit.shortest(layer.alpha)) or "",
      layer.params, model_summary.code_shapes(layer))
  end
  lines[#lines + 1] = string.format(" * Parameters: %d. FLOPs: %d per forward, %d per train step.",
    plan.param_count, plan.flops.forward, plan.flops.train_step)
  return table.concat(lines, "\n")
end

local function batch_names(layer)
  return {
    W = "p->" .. layer.W, b = "p->" .. layer.b,
    Z = "c->" .. layer.Z, A = "c->" .. layer.A,
    A_prev = layer.index == 1 and "A0" or "c->" .. layer.A_prev,
  }
end

local function forward_body(plan)
  local buf = emit.buffer(1)
  for _, layer in ipairs(plan.layers) do
    if layer.index > 1 then
      buf:line("")
    end
    buf:line(layer_comment(plan, layer, plan.batch))
    dense.forward(buf, plan, layer, batch_names(layer), plan.batch, layer.unroll)
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
      v.dW, v.db = "grad->" .. layer.W, "grad->" .. layer.b
    end
    return v
  end
  if #layers == 1 and not lr then
    buf:line("(void)p; /* one layer: no W is needed to propagate dZ further down */")
  end
  local last = layers[#layers]
  local v = names(last)
  v.Y = "Y"
  buf:line("/* layer %d: %s[%d][%d] from the loss */", last.index, last.dZ, last.n_out, plan.batch)
  losses.output_delta(buf, plan, v, plan.batch)
  for l = #layers, 1, -1 do
    local layer = layers[l]
    if l > 1 then
      local below = layers[l - 1]
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
      buf:line("/* layer %d: %s -= lr %s %s^T, %s -= lr (row sums of %s) */", l, layer.W, layer.dZ,
        layer.A_prev, layer.b, layer.dZ)
    else
      buf:line("/* layer %d: %s = %s %s^T, %s = row sums of %s */", l, "d" .. layer.W, layer.dZ,
        layer.A_prev, "d" .. layer.b, layer.dZ)
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
  return buf:text()
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
    buf:line("/* layer %d: dense %d -> %d, %s: %s[%d] = %s(%s %s[%d] + %s) */", layer.index,
      layer.n_in, layer.n_out, layer.activation, output, layer.n_out, layer.activation, layer.W,
      input, layer.n_in, layer.b)
    local v = { W = params .. layer.W, b = params .. layer.b, Z = output, A = output, A_prev = input }
    dense.forward(buf, plan, layer, v, 1, layer.unroll_predict)
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
  for _, layer in ipairs(plan.layers) do
    buf:open("{ /* %s[%d][%d] */", layer.W, layer.n_out, layer.n_in)
    for _ = 1, layer.n_out do
      row(take(layer.n_in), ",")
    end
    buf:close("},")
    buf:line("/* %s[%d] */", layer.b, layer.n_out)
    row(take(layer.n_out), layer == plan.last and "" or ",")
  end
  return buf:text()
end

local function header_values(plan, weights)
  local model = plan.model
  local optimizer_lines = {}
  for i, field in ipairs(optimizers.state_fields(plan)) do
    optimizer_lines[i] = "    " .. field
  end
  return {
    name = plan.name, NAME = plan.NAME, version = version, spec = basename(model.file),
    summary = summary(plan),
    inputs = plan.inputs, outputs = plan.outputs, batch = plan.batch, layer_count = #plan.layers,
    param_count = plan.param_count, init_seed = model.init.seed, init_scheme = model.init.scheme,
    arch_hash = string.format("%016x", architecture.hash(plan)),
    params_bytes = plan.bytes.params, cache_bytes = plan.bytes.cache,
    scratch_bytes = plan.bytes.scratch, optimizer_bytes = plan.bytes.optimizer,
    infer_bytes = plan.bytes.infer,
    frame_allowance = plan.bytes.frame_allowance, unrolled_backward_macs = plan.unrolled_backward_macs,
    forward_flops = plan.flops.forward, train_step_flops = plan.flops.train_step,
    ctype = plan.ctype, loss = model.loss, optimizer = model.optimizer.type,
    params_fields = struct_fields(plan, function(x)
      return { string.format("%s[%d][%d]", x.W, x.n_out, x.n_in), string.format("%s[%d]", x.b, x.n_out) }
    end),
    cache_fields = struct_fields(plan, function(x)
      local fields = { string.format("%s[%d][%d]", x.A, x.n_out, plan.batch) }
      if x.Z ~= x.A then
        table.insert(fields, 1, string.format("%s[%d][%d]", x.Z, x.n_out, plan.batch))
      end
      return fields
    end),
    scratch_fields = struct_fields(plan, function(x)
      return { string.format("%s[%d][%d]", x.dZ, x.n_out, plan.batch) }
    end) .. (plan.transposed_reals > 0 and string.format(
      "\n    %s transposed[%d]; /* A[l-1] transposed, for dW = dZ A[l-1]^T */", plan.real,
      plan.transposed_reals) or ""),
    optimizer_fields = table.concat(optimizer_lines, "\n"),
    weights_declarations = weights_declarations(plan, weights),
  }
end

local function describe_optimizer(opt)
  if opt.type == "sgd" then
    return string.format("sgd, lr %s", emit.shortest(opt.lr))
  elseif opt.type == "momentum" then
    return string.format("momentum, lr %s, beta %s", emit.shortest(opt.lr),
      emit.shortest(opt.beta))
  end
  return string.format("adam, lr %s, beta1 %s, beta2 %s, eps %s", emit.shortest(opt.lr),
    emit.shortest(opt.beta1), emit.shortest(opt.beta2), emit.shortest(opt.eps))
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
local function backward_update_body(plan)
  local opt = plan.model.optimizer
  local buf = emit.buffer(1)
  if opt.type == "sgd" then
    local real, NAME = plan.real, plan.NAME
    buf:line("const %s (*A0)[%s_BATCH] = (const %s (*)[%s_BATCH])X_data;", real, NAME, real, NAME)
    buf:line("const %s (*Y)[%s_BATCH] = (const %s (*)[%s_BATCH])Y_data;", real, NAME, real, NAME)
    return buf:text() .. "\n" .. backward_body(plan, emit.literal(opt.lr, plan.dtype), "s->scratch.")
  end
  buf:line("%s_KERNEL(backward)(p, c, X_data, Y_data, &s->grad, &s->scratch);", plan.NAME)
  buf:line("")
  optimizers.update(buf, plan)
  return buf:text()
end

local function kernel_values(plan)
  return {
    name = plan.name, NAME = plan.NAME, version = version, spec = basename(plan.model.file),
    forward_body = forward_body(plan),
    cost_body = cost_body(plan),
    backward_body = backward_body(plan),
    sgd_body = body(plan, optimizers.sgd_step),
    optimizer = describe_optimizer(plan.model.optimizer),
    backward_update_body = backward_update_body(plan),
  }
end

-- Returns a list of { name = file name, text = contents } for the output folder. `weights`, when
-- given, is { file = display name, values = flat list } for a const-weights build.
function M.files(plan, templates, weights)
  local spec_name = basename(plan.model.file)
  local files = {
    { name = plan.name .. ".h", text = emit.render(templates.header, header_values(plan, weights), "model.h.in") },
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
      infer_body = single_sample_body(plan, plan.name .. "_weights."),
    }, "model_weights.c.in") }
  end
  return files
end

return M
