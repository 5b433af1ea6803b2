-- Pooling without padding: maxpool1d/2d (the largest value of each window; its gradient goes to
-- the first maximal element in row-major order, as PyTorch routes it), avgpool1d/2d (the mean of
-- each window), and global_avgpool (the mean of every position of a channel, to a flat output of
-- one feature per channel). 1-D windows are planned as 2-D ones of height 1.
local conv = require("ops.conv")
local emit = require("emit")
local shape = require("ops.shape")

local M = {}

local FIELDS = { "type", "kernel", "stride" }

function M.validate(ck, raw, ctx)
  local kind, path, input = ctx.kind, ctx.path, ctx.in_shape
  if kind == "global_avgpool" then
    ck:known_fields(raw, path, { "type" })
    if not shape.is_spatial(input) then
      ck:fail(path .. ".type", "global_avgpool needs a 1-D or 2-D input, but its input is "
        .. input.features .. " features", "a conv or pool layer before it")
    end
    return { kind = kind, in_shape = input, out_shape = shape.flat(input.channels), params = 0,
      activation = "linear", window = { 1, 1 }, stride = { 1, 1 } }
  end
  local rank = kind:match("1d$") and 1 or 2
  ck:known_fields(raw, path, FIELDS)
  if not shape.is_spatial(input) or #input.dims ~= rank then
    ck:fail(path .. ".type", string.format("%s needs a %s input, but its input is %s", kind,
      rank == 1 and "1-D (channels x length)" or "2-D (channels x height x width)",
      shape.is_spatial(input) and shape.text(input) or (input.features .. " features")),
      rank == 1 and "a 1-D input or layer before it" or "a 2-D input or layer before it")
  end
  local layer = { kind = kind, rank = rank, op = kind:match("^max") and "max" or "avg",
    activation = "linear", params = 0, in_shape = input }
  layer.window = conv.pair(ck, ck:required(raw, "kernel", path .. ".kernel",
    rank == 2 and "an integer >= 1 or { h, w }" or "an integer >= 1"), path .. ".kernel", 1, rank, ctx.max_units)
  local stride = rawget(raw, "stride")
  layer.stride = stride == nil and { layer.window[1], layer.window[2] }
    or conv.pair(ck, stride, path .. ".stride", 1, rank, ctx.max_units)
  local _, height, width = shape.as_image(input)
  local size, out = { height, width }, {}
  for d = rank == 2 and 1 or 2, 2 do
    out[d] = conv.output_size(size[d], layer.window[d], layer.stride[d], 1, 0, 0)
    if out[d] < 1 then
      ck:fail(path, string.format("output %s would be %d (input %d, kernel %d, stride %d)",
        rank == 1 and "length" or (d == 1 and "height" or "width"), out[d], size[d], layer.window[d],
        layer.stride[d]), "a kernel no larger than the input")
    end
  end
  layer.out_shape = shape.spatial(input.channels, rank == 1 and { out[2] } or { out[1], out[2] })
  return layer
end

---------------------------------------------------------------------------------------------------
-- Emission (see conv.lua for the layout and the geometry).

local function rows(g, name, channel, y, x, height, width)
  return string.format("%s[%s]", name, conv.row(g, channel, y, x, height, width))
end

-- The window's tap at (ky, kx) of output (oy, ox) in channel ch, as an input row index.
local function tap(g)
  local y = g.rank == 2 and ((g.stride[1] == 1 and "oy" or ("oy * " .. g.stride[1])) .. " + ky") or "0"
  local x = (g.stride[2] == 1 and "ox" or ("ox * " .. g.stride[2])) .. " + kx"
  return conv.row(g, "ch", y, x, g.height, g.width)
end

local function open_outputs(buf, g)
  buf:loop("ch", 0, g.channels)
  return 1 + conv.open_outputs(buf, g)
end

local function open_window(buf, g)
  if g.rank == 2 then
    buf:loop("ky", 0, g.kernel[1])
  end
  buf:loop("kx", 0, g.kernel[2])
  return g.rank == 2 and 2 or 1
end

local close_all = conv.close_all

function M.forward(buf, plan, layer, v, batch)
  local real = plan.real
  if layer.kind == "global_avgpool" then
    local channels, height, width = shape.as_image(layer.in_shape)
    local positions = height * width
    buf:loop("ch", 0, channels)
    buf:loop("j", 0, batch)
    buf:line("%s sum = %s;", real, emit.literal(0, plan.dtype))
    buf:loop("q", 0, positions)
    buf:line("sum += %s[ch * %d + q][j];", v.A_prev, positions)
    buf:close()
    buf:line("%s[ch][j] = sum / %s;", v.Z, emit.literal(positions, plan.dtype))
    buf:close()
    buf:close()
    return
  end
  local g = conv.geometry(layer)
  local outputs = open_outputs(buf, g)
  buf:line("%s *z = %s;", real, rows(g, v.Z, "ch", "oy", "ox", g.out_height, g.out_width))
  buf:loop("j", 0, batch)
  if layer.spec.op == "max" then
    buf:line("%s acc = %s[%s][j];", real, v.A_prev, (tap(g):gsub("ky", "0"):gsub("kx", "0")))
  else
    buf:line("%s acc = %s;", real, emit.literal(0, plan.dtype))
  end
  local window = open_window(buf, g)
  if layer.spec.op == "max" then
    buf:line("const %s a = %s[%s][j];", real, v.A_prev, tap(g))
    buf:line("if (a > acc) acc = a;")
  else
    buf:line("acc += %s[%s][j];", v.A_prev, tap(g))
  end
  close_all(buf, window)
  if layer.spec.op == "max" then
    buf:line("z[j] = acc;")
  else
    buf:line("z[j] = acc / %s;", emit.literal(g.kernel[1] * g.kernel[2], plan.dtype))
  end
  buf:close()
  close_all(buf, outputs)
end

-- The gradient with respect to the input, into v.dA_prev: a max window's goes to its first
-- maximal element in row-major order, an average window's is spread evenly.
function M.backward(buf, plan, layer, v, batch)
  if not v.dA_prev then
    return
  end
  local real, zero = plan.real, emit.literal(0, plan.dtype)
  if layer.kind == "global_avgpool" then
    local channels, height, width = shape.as_image(layer.in_shape)
    local positions = height * width
    buf:loop("ch", 0, channels)
    buf:loop("q", 0, positions)
    buf:loop("j", 0, batch)
    buf:line("%s[ch * %d + q][j] = %s[ch][j] / %s;", v.dA_prev, positions, v.dZ,
      emit.literal(positions, plan.dtype))
    buf:close()
    buf:close()
    buf:close()
    return
  end
  local g = conv.geometry(layer)
  buf:loop("r", 0, layer.n_in)
  buf:loop("j", 0, batch)
  buf:line("%s[r][j] = %s;", v.dA_prev, zero)
  buf:close()
  buf:close()
  local outputs = open_outputs(buf, g)
  buf:line("const %s *dz = %s;", real, rows(g, v.dZ, "ch", "oy", "ox", g.out_height, g.out_width))
  if layer.spec.op == "max" then
    -- The window's maximum is the forward's output z; the gradient goes to the first tap equal
    -- to it (the first tap when z is NaN, which only a NaN first tap gives: later NaNs never
    -- win a `>`). As selects on `left`, what the taps so far have not taken, this vectorizes
    -- over the batch; an argmax per sample and a scattered add ran cnn8's max pool backward at
    -- 15% of its train step.
    buf:line("const %s *z = %s;", real, rows(g, v.Z, "ch", "oy", "ox", g.out_height, g.out_width))
    buf:line("%s left[%d];", real, batch)
    buf:loop("j", 0, batch)
    buf:line("left[j] = dz[j];")
    buf:close()
    local window = open_window(buf, g)
    buf:line("%s *da = %s[%s];", real, v.dA_prev, tap(g))
    buf:line("const %s *a = %s[%s];", real, v.A_prev, tap(g))
    buf:loop("j", 0, batch)
    buf:line("const int hit = a[j] == z[j] || z[j] != z[j];")
    buf:line("da[j] += hit ? left[j] : %s;", zero)
    buf:line("left[j] = hit ? %s : left[j];", zero)
    buf:close()
    close_all(buf, window)
    close_all(buf, outputs)
    return
  else
    buf:loop("j", 0, batch)
    buf:line("const %s share = dz[j] / %s;", real, emit.literal(g.kernel[1] * g.kernel[2], plan.dtype))
    local window = open_window(buf, g)
    buf:line("%s[%s][j] += share;", v.dA_prev, tap(g))
    close_all(buf, window)
  end
  buf:close()
  close_all(buf, outputs)
end

function M.describe(layer)
  if layer.kind == "global_avgpool" then
    return string.format("global_avgpool %s -> %s", shape.text(layer.in_shape), shape.text(layer.out_shape))
  end
  local spec = layer.spec
  local first = spec.rank == 2 and 1 or 2
  local k, st = {}, {}
  for d = first, 2 do
    k[#k + 1] = tostring(spec.window[d])
    st[#st + 1] = tostring(spec.stride[d])
  end
  return string.format("%s %s -> %s, kernel %s, stride %s", spec.kind, shape.text(spec.in_shape),
    shape.text(spec.out_shape), table.concat(k, "x"), table.concat(st, "x"))
end

---------------------------------------------------------------------------------------------------
-- Int8 inference (gen/q8/): the output shares the input's (scale, zero point).

-- One sample in double (calibration).
function M.evaluate(layer, x)
  local out = {}
  if layer.kind == "global_avgpool" then
    local channels, height, width = shape.as_image(layer.in_shape)
    local positions = height * width
    for ch = 0, channels - 1 do
      local sum = 0
      for q = 1, positions do
        sum = sum + x[ch * positions + q]
      end
      out[ch + 1] = sum / positions
    end
    return out
  end
  local g = conv.geometry(layer)
  local kh, kw = g.kernel[1], g.kernel[2]
  for ch = 0, g.channels - 1 do
    for oy = 0, g.out_height - 1 do
      for ox = 0, g.out_width - 1 do
        local acc = layer.spec.op == "max" and -math.huge or 0
        for ky = 0, kh - 1 do
          for kx = 0, kw - 1 do
            local value = x[(ch * g.height + oy * g.stride[1] + ky) * g.width + ox * g.stride[2] + kx + 1]
            if layer.spec.op == "max" then
              acc = math.max(acc, value)
            else
              acc = acc + value
            end
          end
        end
        out[(ch * g.out_height + oy) * g.out_width + ox + 1] = layer.spec.op == "max" and acc
          or acc / (kh * kw)
      end
    end
  end
  return out
end

-- On cores with the pair kernel (ARMv7E-M DSP, gcc or clang; gen/q8/pairs.lua), a 2-D max pool
-- over rows that are whole words: each output row's kernel rows reduced four columns at a time
-- (helpers.max4, two instructions for four bytes), then each window's maximum from those
-- column maxima (digits_cnn's 2x2 pool on the Cortex-M4F: 3,612 instructions, 5,383 a window at a
-- time).
local function q8_max_words(buf, g, helpers, input, output)
  local first_row = g.stride[1] == 1 and "oy" or ("oy * " .. g.stride[1])
  buf:loop("ch", 0, g.channels)
  buf:loop("oy", 0, g.out_height)
  buf:line("int8_t columns[%d];", g.width)
  buf:loop("k", 0, g.width // 4)
  buf:line("uint32_t best, row;")
  buf:line("memcpy(&best, &%s[%s], 4);", input, conv.row(g, "ch", first_row, "4 * k", g.height, g.width))
  for ky = 1, g.kernel[1] - 1 do
    buf:line("memcpy(&row, &%s[%s], 4);", input,
      conv.row(g, "ch", first_row .. " + " .. ky, "4 * k", g.height, g.width))
    buf:line("best = %s(best, row);", helpers.max4())
  end
  buf:line("memcpy(&columns[4 * k], &best, 4);")
  buf:close()
  buf:loop("ox", 0, g.out_width)
  local first_column = g.stride[2] == 1 and "ox" or ("ox * " .. g.stride[2])
  buf:line("int8_t best = columns[%s];", first_column)
  for kx = 1, g.kernel[2] - 1 do
    buf:line("if (columns[%s + %d] > best) best = columns[%s + %d];", first_column, kx, first_column, kx)
  end
  buf:line("%s = best;", rows(g, output, "ch", "oy", "ox", g.out_height, g.out_width))
  buf:close()
  buf:close()
  buf:close()
end

-- One sample: the int8 maximum of each window, or its int32 sum divided by the window size,
-- rounded half away from zero (helpers.average).
function M.q8_emit(buf, ql, helpers, input, output)
  local layer = ql.layer
  if layer.kind == "global_avgpool" then
    local channels, height, width = shape.as_image(layer.in_shape)
    local positions = height * width
    buf:loop("ch", 0, channels)
    buf:line("int32_t sum = 0;")
    buf:loop("q", 0, positions)
    buf:line("sum += %s[ch * %d + q];", input, positions)
    buf:close()
    buf:line("%s[ch] = (int8_t)%s(sum, %d);", output, helpers.average(), positions)
    buf:close()
    return
  end
  local g = conv.geometry(layer)
  local words = layer.spec.op == "max" and g.rank == 2 and g.kernel[1] > 1 and g.width % 4 == 0
  if words then
    buf:line("#if defined(%s)", helpers.pairs_macro())
    q8_max_words(buf, g, helpers, input, output)
    buf:line("#else")
  end
  local outputs = open_outputs(buf, g)
  local target = rows(g, output, "ch", "oy", "ox", g.out_height, g.out_width)
  if layer.spec.op == "max" then
    buf:line("int8_t best = %s[%s];", input, (tap(g):gsub(" %+ k[yx]", "")))
  else
    buf:line("int32_t sum = 0;")
  end
  local window = open_window(buf, g)
  if layer.spec.op == "max" then
    buf:line("const int8_t value = %s[%s];", input, tap(g))
    buf:line("if (value > best) best = value;")
  else
    buf:line("sum += %s[%s];", input, tap(g))
  end
  close_all(buf, window)
  if layer.spec.op == "max" then
    buf:line("%s = best;", target)
  else
    buf:line("%s = (int8_t)%s(sum, %d);", target, helpers.average(), g.kernel[1] * g.kernel[2])
  end
  close_all(buf, outputs)
  if words then
    buf:line("#endif")
  end
end

return M
