-- From a float plan, its weights and a calibration file to the int8 network: which tensors get
-- (scale, zero point), batchnorm folding, per-channel int8 weights, int32 biases, Q31 multipliers
-- and shifts, lookup tables, and the calibration record. The scheme is fixed (README, "Integer
-- (int8) inference"); gen/q8/scheme.lua holds its arithmetic, gen/q8/code.lua writes the C.
local activations = require("ops.activations")
local batchnorm = require("ops.batchnorm")
local calibrate = require("q8.calibrate")
local errors = require("errors")
local scheme = require("q8.scheme")
local standardize = require("ops.standardize")

local M = {}

-- Each layer's parameter tensors by name, as flat lists of doubles, from the weights file's
-- values (in <name>_params order).
local function layer_params(plan, values)
  local params = {}
  for _, layer in ipairs(plan.layers) do
    local own = {}
    for _, tensor in ipairs(layer.tensors) do
      own[tensor.name:match("^input_") and tensor.name or tensor.name:match("^(%a+)")] =
        table.move(values, tensor.offset + 1, tensor.offset + tensor.count, 1, {})
    end
    params[layer.index] = own
  end
  return params
end

-- the largest finite float (FLT_MAX), exactly
local FLOAT_MAX = (2 - 2 ^ -23) * 2 ^ 127

local function is_affine(layer)
  return layer.kind == "dense" or layer.kind == "conv1d" or layer.kind == "conv2d"
end

-- A tensor's record: name, widened range, scale and zero point (fixed ones for sigmoid, tanh and
-- softmax outputs).
local function tensor(name, range, fixed, spec_file)
  local min, max = scheme.widen(range[1], range[2])
  if min ~= min or max ~= max or min == -math.huge or max == math.huge then
    errors.raise(string.format("%s: tensor %s: calibrated range [%s, %s] is not finite", spec_file,
      name, tostring(range[1]), tostring(range[2])))
  end
  -- calibration runs in double; the model it stands for is float (the only dtype QUANT takes),
  -- which overflows to infinity past FLT_MAX
  if min < -FLOAT_MAX or max > FLOAT_MAX then
    errors.raise(string.format("%s: tensor %s: calibrated range [%s, %s] is not finite in float "
      .. "(the model's values are at most %s in magnitude)", spec_file, name, tostring(range[1]),
      tostring(range[2]), string.format("%.9g", FLOAT_MAX)))
  end
  local scale, zero_point
  if fixed then
    scale, zero_point = fixed[1], fixed[2]
  else
    -- (max - min) / 255 is finite: both are within float's range
    scale, zero_point = scheme.params(min, max)
  end
  return { name = name, min = min, max = max, scale = scale, zero_point = zero_point, fixed = fixed ~= nil }
end

-- Per output channel: the (folded) weights as lists, and the biases.
local function channels_of(layer, p)
  local weights, biases = {}, {}
  local n = layer.kind == "dense" and layer.n_out or layer.spec.filters
  local per = #p.W // n
  for c = 1, n do
    local w = {}
    for k = 1, per do
      w[k] = p.W[(c - 1) * per + k]
    end
    weights[c] = w
    biases[c] = p.b and p.b[c] or 0
  end
  return weights, biases
end

-- Fold batchnorm `bn_p` (eps) into the channel weights and biases, in double, in the scheme's order.
local function fold(weights, biases, bn_p, eps)
  for c = 1, #weights do
    local g = bn_p.gamma[c] / math.sqrt(bn_p.var[c] + eps)
    for k, w in ipairs(weights[c]) do
      weights[c][k] = w * g
    end
    biases[c] = (biases[c] - bn_p.mean[c]) * g + bn_p.beta[c]
  end
end

-- The int8 weights, int32 biases, multipliers and shifts of an affine layer.
local function quantize_channels(ql, weights, biases, spec_file)
  local s_in, s_out = ql.input.scale, ql.pre.scale
  ql.weights, ql.bias, ql.multiplier, ql.shift = {}, {}, {}, {}
  for c = 1, #weights do
    local s_w = scheme.channel_scale(weights[c], biases[c], s_in)
    local q = {}
    for k, w in ipairs(weights[c]) do
      q[k] = scheme.quantize_weight(w, s_w)
    end
    ql.weights[c] = q
    local bias = scheme.round(biases[c] / (s_in * s_w))
    if not (bias >= scheme.INT32_MIN and bias <= scheme.INT32_MAX) then
      errors.raise(string.format("%s: layer %d: channel %d's quantized bias %.0f is outside int32 "
        .. "(bias %.17g, input scale %.17g, weight scale %.17g)", spec_file, ql.index, c - 1,
        bias, biases[c], s_in, s_w))
    end
    ql.bias[c] = math.tointeger(bias)
    -- every partial sum of acc = qb + sum qW (qx - z_in) stays within this (|qx - z_in| <= 255):
    -- beyond int32 the generated code's accumulation would overflow, which C leaves undefined
    local reach = math.abs(ql.bias[c])
    for _, w in ipairs(q) do
      reach = reach + 255 * math.abs(w)
    end
    if reach > scheme.INT32_MAX then
      local weight_part = reach - math.abs(ql.bias[c])
      errors.raise(string.format("%s: layer %d: channel %d's int32 accumulator can overflow (|bias| "
        .. "%d + 255 * sum |weights| %d reaches %d > 2^31 - 1): %s", spec_file, ql.index, c - 1,
        math.abs(ql.bias[c]), weight_part, reach, weight_part > math.abs(ql.bias[c])
          and "the channel has too many or too large weights for int8 sums"
          or "the bias is too large for the input's scale"))
    end
    local multiplier, shift = scheme.quantize_multiplier(s_in * s_w / s_out)
    if not multiplier then
      errors.raise(string.format("%s: layer %d: channel %d: multiplier too large (%.17g = input "
        .. "scale * weight scale / output scale; at most 2^30)", spec_file, ql.index, c - 1,
        s_in * s_w / s_out))
    end
    ql.multiplier[c], ql.shift[c] = multiplier, shift
  end
end

-- The pre-activation and output tensors of a layer with activation `activation` named by `index`
-- from its ranges; sets ql.pre (what the requantization targets) and ql.output, and the record.
local function activation_tensors(ql, record, z_range, a_range, spec_file)
  local act = ql.activation
  if act == "linear" or act == "relu" then
    ql.output = tensor("A" .. ql.index, a_range, nil, spec_file)
    ql.pre = ql.output
    record[#record + 1] = ql.output
    return
  end
  ql.pre = tensor("Z" .. ql.index, z_range, nil, spec_file)
  ql.output = tensor("A" .. ql.index, a_range, scheme.FIXED_OUTPUT[act], spec_file)
  record[#record + 1] = ql.pre
  record[#record + 1] = ql.output
  if act == "softmax" then
    ql.exp_table = scheme.softmax_exp_table(ql.pre.scale)
  else
    ql.table = scheme.table(act, function(r) return activations.value(act, ql.alpha, r) end,
      ql.pre.scale, ql.pre.zero_point, ql.output.scale, ql.output.zero_point)
  end
end

-- Warnings: calibration that will cost int8 accuracy, which the user can act on (gradc.lua prints
-- them; generation goes on).
-- A feature of the input whose calibrated span covers fewer than NARROW_STEPS steps of the one input
-- scale all features share keeps that few distinct values: where features have very different
-- ranges (raw wine or breast_cancer features, which a spec with standardize = true takes), the
-- narrow ones are lost before the first layer (wine: 11 of 13 features, int8 50% right against
-- float's 94%). Four steps: digits' rare pixels keep 8 to 16 at no cost in accuracy.
M.NARROW_STEPS = 4
-- A tensor whose range only a few rows reach: at most OUTLIER_SHARE of the rows (and at least
-- OUTLIER_MIN_ROWS rows in all) reach past a quarter of the range on either side, so every other
-- row gets two bits less of its resolution (a conv net calibrated on all its training rows: one
-- tanh input's range 4x what 256 random rows gave, 6.7 points of accuracy lost; 256 random rows
-- of the same nets never warn).
M.OUTLIER_SHARE = 0.03
M.OUTLIER_MIN_ROWS = 100

local function narrow_features(plan, rows, x, spec_file)
  local count, narrowest, at = 0, math.huge, nil
  for f = 1, plan.inputs do
    local lo, hi = math.huge, -math.huge
    for _, row in ipairs(rows) do
      lo, hi = math.min(lo, row[f]), math.max(hi, row[f])
    end
    local steps = (hi - lo) / x.scale
    if steps > 0 and steps < M.NARROW_STEPS then
      count = count + 1
      if steps < narrowest then
        narrowest, at = steps, { f - 1, lo, hi }
      end
    end
  end
  if count == 0 then
    return nil
  end
  local advice = plan.model.standardize
    and "the model's raw features share it (standardize = true); train without standardize "
      .. "(make train then standardizes outside the model: CALIB and the int8 input take standardized rows)"
    or "standardize or rescale the features before the model (make train's .scale does)"
  return string.format("%s: int8 input: %d of %d features span fewer than %d steps of the input's one "
    .. "scale %.4g (feature %d: %.4g to %.4g, %.2g steps), so int8 keeps little of them: %s", spec_file,
    count, plan.inputs, M.NARROW_STEPS, x.scale, at[1], at[2], at[3], narrowest, advice)
end

-- t: a tensor record; per_row: each row's own range of it (calibrate.ranges' rows.X and the like:
-- lists lo and hi). Each side of the range (below and above 0) is judged on its own: a
-- standardized pixel's low side is reached by every row, its high side by a few bright ones.
local function outlier_rows(t, per_row, spec_file)
  local rows = #per_row.lo
  if rows < M.OUTLIER_MIN_ROWS then
    return nil
  end
  for _, side in ipairs({ { t.max, per_row.hi, "upper" }, { t.min, per_row.lo, "lower" } }) do
    local bound, own, which = side[1], side[2], side[3]
    if bound ~= 0 then
      local reaching = 0
      for j = 1, rows do
        if own[j] / bound > 0.25 then
          reaching = reaching + 1
        end
      end
      if reaching <= M.OUTLIER_SHARE * rows then
        return string.format("%s: tensor %s: %d of the %d calibration rows set its range's %s end, "
          .. "%.4g (range [%.4g, %.4g]); the others stay within a quarter of it, and get two bits "
          .. "less of int8 resolution: if those rows are outliers, calibrate on typical inputs (a "
          .. "few hundred rows)", spec_file, t.name, reaching, rows, which, bound, t.min, t.max)
      end
    end
  end
  return nil
end

-- The int8 network: { layers = { ql ... }, record = { tensor ... }, input, output, rows, warnings }.
-- `weights` is the list of parameter values, `rows` the calibration rows.
function M.build(plan, values, rows)
  local spec_file = plan.model.file:match("([^/\\]+)$")
  local params = layer_params(plan, values)
  local ranges = calibrate.ranges(plan, params, rows)
  local spec_layers = plan.model.layers
  local record = {}
  local current = tensor("X", ranges.X, nil, spec_file)
  record[1] = current
  local input = current
  local warnings = {}
  warnings[#warnings + 1] = narrow_features(plan, rows, current, spec_file)
  warnings[#warnings + 1] = outlier_rows(current, ranges.rows.X, spec_file)
  -- the record's new tensors of plan layer i: their outlier warnings
  local function check_outliers(from, i)
    for k = from, #record do
      local which = record[k].name:sub(1, 1)
      if not record[k].fixed then
        warnings[#warnings + 1] = outlier_rows(record[k], ranges.rows[which][i], spec_file)
      end
    end
  end
  local qlayers = {}
  local i = 1
  while i <= #plan.layers do
    local layer = plan.layers[i]
    local ql = { layer = layer, kind = layer.kind, index = layer.index, input = current,
      activation = layer.activation, alpha = layer.alpha, n_in = layer.n_in, n_out = layer.n_out,
      in_shape = layer.in_shape, out_shape = layer.out_shape }
    if is_affine(layer) then
      local weights, biases = channels_of(layer, params[layer.index])
      local after = plan.layers[i + 1]
      -- fold a batchnorm that directly follows a linear dense or conv layer (a flatten between
      -- them is a layer of the spec, so the spec's next layer decides)
      if after and after.kind == "batchnorm" and spec_layers[layer.index + 1].kind == "batchnorm"
          and layer.activation == "linear" then
        fold(weights, biases, params[after.index], after.spec.eps)
        ql.folded = after
        ql.index, ql.activation, ql.alpha = after.index, after.activation, after.alpha
        ql.out_shape = after.out_shape
        i = i + 1
      end
      local from = #record + 1
      activation_tensors(ql, record, ranges.Z[i], ranges.A[i], spec_file)
      check_outliers(from, i)
      quantize_channels(ql, weights, biases, spec_file)
    elseif layer.kind == "batchnorm" or layer.kind == "standardize" then
      local weight, bias
      if layer.kind == "standardize" then
        weight, bias = standardize.affine(params[0])
      else
        weight, bias = batchnorm.affine(layer, params[layer.index])
      end
      local weights = {}
      for c, w in ipairs(weight) do
        weights[c] = { w }
      end
      local from = #record + 1
      activation_tensors(ql, record, ranges.Z[i], ranges.A[i], spec_file)
      check_outliers(from, i)
      quantize_channels(ql, weights, bias, spec_file)
    else -- pools: the output shares the input's parameters
      ql.pre, ql.output = current, current
    end
    current = ql.output
    qlayers[#qlayers + 1] = ql
    i = i + 1
  end
  return { layers = qlayers, record = record, input = input, output = current, rows = #rows,
    warnings = warnings }
end

-- The calibration record, <name>_q8_calib.txt.
function M.record_text(plan, q8)
  local lines = { string.format("# gradc q8 calibration: %s, %d rows", plan.name, q8.rows) }
  for _, t in ipairs(q8.record) do
    lines[#lines + 1] = string.format("%s %.17g %.17g %.17g %d", t.name, t.min, t.max, t.scale, t.zero_point)
  end
  return table.concat(lines, "\n") .. "\n"
end

return M
