-- conv1d and conv2d: cross-correlation as PyTorch computes it, over an input laid out like X
-- (features x m, feature (c*H + y)*W + x), with stride, zero padding ("same", "valid" or counts),
-- dilation, groups (depthwise when groups = channels = filters) and an optional bias:
--   Z[f][y][x] = b[f] + sum over c in f's group, i < kh, j < kw of
--                W[f][c'][i][j] * A[c][y*sh + i*dh - top][x*sw + j*dw - left]
-- A 1-D convolution is planned and emitted as a 2-D one of height 1, so that both share one
-- emitter; only its names and shapes (W[filters][C/groups][k]) stay 1-D.
local activations = require("ops.activations")
local cortexm = require("kernels.cortexm")
local q8_pairs = require("q8.pairs")
local q8_rows = require("q8.rows")
local q8_x86 = require("q8.x86")
local emit = require("emit")
local gemm = require("kernels.gemm")
local shape = require("ops.shape")

local M = {}

M.FIELDS = { "type", "filters", "kernel", "stride", "padding", "dilation", "groups", "bias",
  "activation", "alpha" }

-- An integer in [low, high], or for 2-D also a pair { h, w } of them: returns { h, w } (1-D:
-- { 1, n }). The pool layers share it.
function M.pair(ck, value, path, low, rank, high)
  if rank == 2 and type(value) == "table" then
    for key in next, value do
      if key ~= 1 and key ~= 2 then
        ck:fail(path, "must be an integer or a pair { h, w }", "an integer >= " .. low .. " or { h, w }")
      end
    end
    return { ck:integer(value[1], path .. "[1]", low, high), ck:integer(value[2], path .. "[2]", low, high) }
  end
  local n = ck:integer(value, path, low, high)
  return rank == 2 and { n, n } or { 1, n }
end

-- Output size of one dimension: floor((n + before + after - d(k - 1) - 1) / s) + 1.
function M.output_size(n, k, s, d, before, after)
  return (n + before + after - d * (k - 1) - 1) // s + 1
end

local DIM_WORDS = { "height", "width" }

function M.validate(ck, raw, ctx)
  local kind, path = ctx.kind, ctx.path
  local rank = kind == "conv1d" and 1 or 2
  ck:known_fields(raw, path, M.FIELDS)
  local input = ctx.in_shape
  if not shape.is_spatial(input) or #input.dims ~= rank then
    ck:fail(path .. ".type", string.format("%s needs a %s input, but its input is %s", kind,
      rank == 1 and "1-D (channels x length)" or "2-D (channels x height x width)",
      shape.is_spatial(input) and shape.text(input) or (input.features .. " features")),
      rank == 1 and "input = { channels = C, length = L } or a 1-D layer before it"
        or "input = { channels = C, height = H, width = W } or a 2-D layer before it")
  end
  local channels = input.channels
  local layer = { kind = kind, rank = rank }
  -- Every size is at most max_units (2^24): then the generated coordinate arithmetic,
  -- o * stride + t * dilation - padding, stays within n + padding and fits an int.
  local high = ctx.max_units
  layer.filters = ck:integer(ck:required(raw, "filters", path .. ".filters", "an integer >= 1"), path .. ".filters",
    1, high)
  layer.kernel = M.pair(ck, ck:required(raw, "kernel", path .. ".kernel",
    rank == 2 and "an integer >= 1 or { h, w }" or "an integer >= 1"), path .. ".kernel", 1, rank, high)
  local stride = rawget(raw, "stride")
  layer.stride = stride == nil and { 1, 1 } or M.pair(ck, stride, path .. ".stride", 1, rank, high)
  local dilation = rawget(raw, "dilation")
  layer.dilation = dilation == nil and { 1, 1 } or M.pair(ck, dilation, path .. ".dilation", 1, rank, high)
  local groups = rawget(raw, "groups")
  layer.groups = groups == nil and 1 or ck:integer(groups, path .. ".groups", 1)
  if channels % layer.groups ~= 0 or layer.filters % layer.groups ~= 0 then
    ck:fail(path .. ".groups", string.format("groups = %d must divide the input channels (%d) and "
      .. "filters (%d)", layer.groups, channels, layer.filters), "a common divisor, e.g. 1")
  end
  local bias = rawget(raw, "bias")
  if bias ~= nil and type(bias) ~= "boolean" then
    ck:fail(path .. ".bias", "must be a boolean (got " .. tostring(type(bias)) .. ")", "true or false")
  end
  layer.bias = bias ~= false
  -- padding: per dimension, { before, after }
  local padding = rawget(raw, "padding")
  local first = rank == 2 and 1 or 2
  layer.pad = { { 0, 0 }, { 0, 0 } }
  if padding == "same" then
    if layer.stride[1] ~= 1 or layer.stride[2] ~= 1 then
      ck:fail(path .. ".padding", "\"same\" needs stride 1", "stride = 1, or padding as a number")
    end
    for d = first, 2 do
      local total = layer.dilation[d] * (layer.kernel[d] - 1)
      layer.pad[d] = { total // 2, total - total // 2 }
    end
  elseif padding ~= nil and padding ~= "valid" then
    if type(padding) == "string" then
      ck:fail(path .. ".padding", "unknown padding \"" .. padding .. "\"", "\"same\", \"valid\" or a number")
    end
    if type(padding) == "table" then
      for d = 1, 2 do
        if padding[d] == "same" or padding[d] == "valid" then
          ck:fail(string.format("%s.padding[%d]", path, d), "\"" .. padding[d] .. "\" is for the whole layer, not one dimension",
            "padding = \"" .. padding[d] .. "\", or a pair of numbers { h, w }")
        end
      end
    end
    local p = M.pair(ck, padding, path .. ".padding", 0, rank, high)
    -- pair's height for 1-D is the 1 of a kernel or stride; a signal has no height to pad
    layer.pad = { rank == 2 and { p[1], p[1] } or { 0, 0 }, { p[2], p[2] } }
  end
  layer.activation, layer.alpha = activations.validate(ck, raw, path, true, ctx)
  if layer.activation == "softmax" then
    ck:fail(path .. ".activation", "softmax needs a flat output (a dense layer)", "another activation")
  end
  local _, height, width = shape.as_image(input)
  local size = { height, width }
  local out = {}
  for d = first, 2 do
    out[d] = M.output_size(size[d], layer.kernel[d], layer.stride[d], layer.dilation[d],
      layer.pad[d][1], layer.pad[d][2])
    if out[d] < 1 then
      ck:fail(path, string.format("output %s would be %d (input %d, kernel %d, stride %d, "
        .. "padding %d + %d, dilation %d)", rank == 1 and "length" or DIM_WORDS[d], out[d], size[d],
        layer.kernel[d], layer.stride[d], layer.pad[d][1], layer.pad[d][2], layer.dilation[d]),
        "a smaller kernel or dilation, or more padding")
    end
  end
  out[1] = out[1] or 1
  layer.in_shape = input
  layer.out_shape = shape.spatial(layer.filters, rank == 1 and { out[2] } or { out[1], out[2] })
  layer.params = shape.product(layer.filters, channels // layer.groups, layer.kernel[1], layer.kernel[2])
    + (layer.bias and layer.filters or 0)
  return layer
end

---------------------------------------------------------------------------------------------------
-- Emission. Activations are [feature][sample] arrays (v.A_prev, v.Z, v.A, v.dZ, v.dA_prev); each
-- output position's row of samples is reached through a row pointer, so that the innermost loop
-- runs over the contiguous batch.

-- The geometry of a conv or pool layer as a 2-D operation (a 1-D one has height 1).
function M.geometry(layer)
  local spec = layer.spec
  local channels, height, width = shape.as_image(spec.in_shape)
  local filters, out_height, out_width = shape.as_image(spec.out_shape)
  local g = {
    rank = spec.rank, channels = channels, height = height, width = width,
    filters = filters, out_height = out_height, out_width = out_width,
    kernel = spec.kernel or spec.window, stride = spec.stride, dilation = spec.dilation or { 1, 1 },
    pad = spec.pad or { { 0, 0 }, { 0, 0 } }, groups = spec.groups or 1,
  }
  g.group_channels = channels // g.groups
  g.group_filters = filters // g.groups
  return g
end

-- "a * k" without the noise: "a" for k = 1.
local function times(name, k)
  return k == 1 and name or (name .. " * " .. k)
end

-- The input coordinate of output position `o` and kernel tap `t` in dimension d:
-- o * stride + t * dilation - padding before.
local function input_coordinate(g, d, o, t)
  local text = times(o, g.stride[d]) .. " + " .. times(t, g.dilation[d])
  if g.pad[d][1] > 0 then
    text = text .. " - " .. g.pad[d][1]
  end
  return text
end

-- The same input column as a number, for output column o and kernel column t; the row tiles
-- write one statement per (o, t), and skip or replace those that fall into the padding.
local function input_column(g, o, t)
  return o * g.stride[2] + t * g.dilation[2] - g.pad[2][1]
end

-- Row index of (channel, y, x) in a [channels x height x width] layout (1-D: no y).
function M.row(g, channel, y, x, height, width)
  if g.rank == 1 then
    return string.format("%s * %d + %s", channel, width, x)
  end
  return string.format("(%s * %d + %s) * %d + %s", channel, height, y, width, x)
end

-- `const int iy = oy * stride + ky * dilation - top;` and, where the padding can put it outside
-- the input, a block for the taps inside it (the padding is zeros: they add nothing). Returns the
-- blocks opened (0 or 1).
function M.open_coordinate(buf, g, d, name, o, t)
  buf:line("const int %s = %s;", name, input_coordinate(g, d, o, t))
  if g.pad[d][1] > 0 or g.pad[d][2] > 0 then
    buf:open("if (%s >= 0 && %s < %d) {", name, name, d == 1 and g.height or g.width)
    return 1
  end
  return 0
end

-- Open the loops over output positions (oy, ox) and the kernel taps (ky, kx) with their input
-- coordinates iy and ix, skipping taps that fall into the zero padding. Returns the number of
-- blocks opened, for close_all.
local function open_taps(buf, g)
  local opened = 0
  if g.rank == 2 then
    buf:loop("ky", 0, g.kernel[1])
    opened = opened + 1 + M.open_coordinate(buf, g, 1, "iy", "oy", "ky")
  end
  buf:loop("kx", 0, g.kernel[2])
  return opened + 1 + M.open_coordinate(buf, g, 2, "ix", "ox", "kx")
end

-- The loops over output positions (oy, ox), returning how many were opened; pools share them.
function M.open_outputs(buf, g)
  if g.rank == 2 then
    buf:loop("oy", 0, g.out_height)
  end
  buf:loop("ox", 0, g.out_width)
  return g.rank == 2 and 2 or 1
end

function M.close_all(buf, count)
  for _ = 1, count do
    buf:close()
  end
end

local open_outputs, close_all = M.open_outputs, M.close_all

-- W[f][ch][ky][kx] (1-D: W[f][ch][kx]).
local function weight(g, W)
  return g.rank == 2 and (W .. "[f][ch][ky][kx]") or (W .. "[f][ch][kx]")
end

-- The input channel of the group's channel `ch` for filter f.
local function input_channel(g)
  if g.groups == 1 then
    return "ch"
  end
  return string.format("(f / %d * %d + ch)", g.group_filters, g.group_channels)
end

local function output_row(g, name)
  return string.format("%s[%s]", name, M.row(g, "f", "oy", "ox", g.out_height, g.out_width))
end

local function input_row(g, name)
  return string.format("%s[%s]", name, M.row(g, input_channel(g), "iy", "ix", g.height, g.width))
end

-- Whether some tap can fall into the zero padding (a 1-D layer has no height to pad).
local function pads_taps(g)
  return (g.rank == 2 and (g.pad[1][1] > 0 or g.pad[1][2] > 0)) or g.pad[2][1] > 0 or g.pad[2][2] > 0
end

-- taps[k] = the input row under tap k (channel, ky, kx) of the output position (oy, ox), or
-- `outside` for a tap in the zero padding; in group `group` when there are groups.
local function gather_taps(buf, g, taps, rows, outside)
  buf:loop("ch", 0, g.group_channels)
  local channel = g.groups > 1 and string.format("(group * %d + ch)", g.group_channels) or "ch"
  local kernel_loops = 0
  local valid = {}
  if g.rank == 2 then
    buf:loop("ky", 0, g.kernel[1])
    buf:line("const int iy = %s;", input_coordinate(g, 1, "oy", "ky"))
    kernel_loops = kernel_loops + 1
    if g.pad[1][1] > 0 or g.pad[1][2] > 0 then
      valid[#valid + 1] = string.format("iy >= 0 && iy < %d", g.height)
    end
  end
  buf:loop("kx", 0, g.kernel[2])
  buf:line("const int ix = %s;", input_coordinate(g, 2, "ox", "kx"))
  kernel_loops = kernel_loops + 1
  if g.pad[2][1] > 0 or g.pad[2][2] > 0 then
    valid[#valid + 1] = string.format("ix >= 0 && ix < %d", g.width)
  end
  local tap = g.rank == 2 and string.format("(ch * %d + ky) * %d + kx", g.kernel[1], g.kernel[2])
    or (g.kernel[2] == 1 and "ch" or string.format("ch * %d + kx", g.kernel[2]))
  local row = string.format("[%s]", M.row(g, channel, "iy", "ix", g.height, g.width))
  if #valid > 0 then
    buf:line("%s[%s] = %s ? %s%s : %s;", taps, tap, table.concat(valid, " && "), rows, row, outside)
  else
    buf:line("%s[%s] = %s%s;", taps, tap, rows, row)
  end
  close_all(buf, kernel_loops)
  buf:close()
end

-- What the forward product stores per element: Z, g(Z) into A, or both (see dense.lua's
-- forward_writes); a linear layer writes Z alone.
local function forward_writes(layer, v)
  if layer.activation == "linear" then
    return { { name = v.Z, activated = false } }
  elseif v.Z == v.A then
    return { { name = v.A, activated = true } }
  end
  return { { name = v.Z, activated = false }, { name = v.A, activated = true } }
end

-- The frame both per-position products share: a block holding the row that padding taps use
-- (`pad_row`: zeros to read, or a row to discard writes into), the loops over output positions and
-- groups, `position`, taps[] gathered from `rows` (`const_taps`: "const " when only read), and
-- `weights`, the group's filters of W. Returns the group's first filter (nil without groups) and
-- the function that closes the frame.
local function open_position_product(buf, plan, g, batch, rows, W, pad_row, const_taps)
  local real = plan.real
  local depth = g.group_channels * g.kernel[1] * g.kernel[2]
  buf:open("{")
  if pads_taps(g) then
    buf:line("%s%s %s[%d] = {%s};", const_taps, real, pad_row, batch, emit.literal(0, plan.dtype))
  end
  local outputs = open_outputs(buf, g)
  if g.rank == 2 then
    buf:line("const int position = oy * %d + ox;", g.out_width)
  else
    buf:line("const int position = ox;")
  end
  if g.groups > 1 then
    buf:loop("group", 0, g.groups)
  end
  buf:line("%s%s *taps[%d];", const_taps, real, depth)
  gather_taps(buf, g, "taps", rows, pad_row)
  local first_filter = g.groups > 1 and string.format("group * %d", g.group_filters) or nil
  buf:line("const %s (*weights)[%d] = (const %s (*)[%d])%s%s;", real, depth, real, depth, W,
    first_filter and ("[" .. first_filter .. "]") or "")
  return first_filter, function()
    if g.groups > 1 then
      buf:close()
    end
    close_all(buf, outputs)
    buf:close()
  end
end

-- Batched forward as an implicit matrix product per output position and group: the tiled product
-- of kernels.gemm with rows = the group's filters, columns = the batch and depth = its channels x
-- kernel taps, a(f, k) = W[f][k] (W's taps flattened in (channel, ky, kx) order, the order of the
-- plain loops' sum) and b(k, j) the input row under tap k. The rows are gathered first into
-- taps[]; a tap in the zero padding points at a row of zeros, which adds exact zeros and so
-- leaves every sum as the valid taps alone make it. digits_cnn's forward pass ran in 61 us against
-- 1062 us with the plain loops (gcc 12 -O2 -march=native, batch 32).
local function forward_product(buf, plan, layer, v, batch)
  local g = M.geometry(layer)
  local depth = g.group_channels * g.kernel[1] * g.kernel[2]
  local positions = g.out_height * g.out_width
  local zero = emit.literal(0, plan.dtype)
  local writes = forward_writes(layer, v)
  local first_filter, close_product = open_position_product(buf, plan, g, batch, v.A_prev, v.W,
    "zero_row", "const ")
  local function filter(i)
    return first_filter and string.format("%s + %s", first_filter, i) or i
  end
  cortexm.product(buf, plan, gemm.gemm, {
    rows = g.group_filters, cols = batch, depth = depth,
    a = function(i, k) return string.format("weights[%s][%s]", i, k) end,
    b = function(k, j) return string.format("taps[%s][%s]", k, j) end,
    init = function(i)
      return layer.spec.bias and string.format("%s[%s]", v.b, filter(i)) or zero
    end,
    row = function(i)
      local number = tonumber(i)
      if number and not first_filter then
        return number == 0 and "position" or string.format("%d + position", number * positions)
      end
      return string.format("(%s) * %d + position", filter(i), positions)
    end,
    arrays = writes,
    store = function(out, at, value)
      for _, write in ipairs(writes) do
        out:line("%s = %s;", at(write.name),
          write.activated and activations.forward(plan, layer, value) or value)
      end
    end,
    vector_writes = function(op)
      local vector = {}
      for _, write in ipairs(writes) do
        if write.activated and not activations.has_vector_form(layer) then
          return nil
        end
        vector[#vector + 1] = { name = write.name, value = function(sum)
          return write.activated and activations.vector_forward(layer, op, sum) or sum
        end }
      end
      return vector
    end,
  })
  close_product()
end

-- One sample (predict and infer) keeps a tile of up to ROW_TILE output positions of one output
-- row in named accumulators (registers), so each tap's weight is loaded once per tile and the
-- additions of neighbouring positions are independent, where one running sum per position makes
-- every multiply-add wait for the one before. Each output still adds the bias, then its taps in
-- (channel, ky, kx) order without those in the padding, the plain loops' sums in their order
-- (on three specs of strides, dilations, groups, "same" padding and tiled rows, the two gave the
-- same bits under gcc -O0 and -O2 and clang -O3 -march=native). digits_cnn's predict took 25 us
-- against 137 us with one position at a time (gcc 12 -O2), 34 against 59 with clang 14 -O2.
-- Rows wider than ROW_LIMIT, or kernels wider than KERNEL_LIMIT, keep the plain loops (the
-- unrolled code grows with both).
M.ROW_TILE = 8
M.ROW_LIMIT = 64
M.KERNEL_LIMIT = 16

local function row_tiled(g)
  return g.out_width > 1 and g.out_width <= M.ROW_LIMIT and g.kernel[2] <= M.KERNEL_LIMIT
end

-- The frame both one-sample row-tiled convolutions share: the loops over filters f and output
-- rows oy, `prologue()` at the top of a row, then `tile(first, last)` for each tile of output
-- positions (in a block of its own where the row has several).
local function each_row_tile(buf, g, prologue, tile)
  buf:loop("f", 0, g.filters)
  if g.rank == 2 then
    buf:loop("oy", 0, g.out_height)
  end
  prologue()
  local tiles = g.out_width > M.ROW_TILE
  for first = 0, g.out_width - 1, M.ROW_TILE do
    local last = math.min(first + M.ROW_TILE, g.out_width) - 1
    if tiles then
      buf:open("{")
      buf:line("/* output positions %d..%d of the row */", first, last)
    end
    tile(first, last)
    if tiles then
      buf:close()
    end
  end
  if g.rank == 2 then
    buf:close()
  end
  buf:close()
end

-- Whether some tap of output positions first..last of a row falls inside the input's width (with
-- wide padding a tile can lie wholly over it, reading no input at all).
local function tile_reads_input(g, first, last)
  for o = first, last do
    for kx = 0, g.kernel[2] - 1 do
      local ix = input_column(g, o, kx)
      if ix >= 0 and ix < g.width then
        return true
      end
    end
  end
  return false
end

-- Whether any output column's taps reach inside the input's width: where none does (a width
-- narrower than the padding and the stride leave), the layer never reads its input.
local function reads_input(g)
  return tile_reads_input(g, 0, g.out_width - 1)
end

local function forward_row_tiles(buf, plan, layer, v)
  local g = M.geometry(layer)
  local real = plan.real
  if not reads_input(g) then
    buf:line("(void)%s; /* every output column lies over the padding: Z = b */", v.A_prev)
  end
  each_row_tile(buf, g, function()
    if layer.spec.bias then
      buf:line("const %s bias = %s[f];", real, v.b)
    end
  end, function(first, last)
    local start = layer.spec.bias and "bias" or emit.literal(0, plan.dtype)
    local sums = {}
    for o = first, last do
      sums[#sums + 1] = string.format("z%d = %s", o - first, start)
    end
    buf:line("%s %s;", real, table.concat(sums, ", "))
    -- a tile over the padding alone keeps its start values (the padding is zeros)
    buf:loop("ch", 0, tile_reads_input(g, first, last) and g.group_channels or 0)
    local channel = input_channel(g)
    local opened = 0
    if g.rank == 2 then
      buf:loop("ky", 0, g.kernel[1])
      opened = 1 + M.open_coordinate(buf, g, 1, "iy", "oy", "ky")
    end
    buf:line("const %s *row = &%s[%s][0];", real, v.A_prev, M.row(g, channel, "iy", "0", g.height, g.width))
    for kx = 0, g.kernel[2] - 1 do
      local adds = {}
      for o = first, last do
        local ix = input_column(g, o, kx)
        if ix >= 0 and ix < g.width then
          adds[#adds + 1] = string.format("z%d += w * row[%d];", o - first, ix)
        end
      end
      if #adds > 0 then
        local tap = g.rank == 2 and string.format("%s[f][ch][ky][%d]", v.W, kx) or string.format("%s[f][ch][%d]", v.W, kx)
        buf:open("{")
        buf:line("const %s w = %s;", real, tap)
        for _, add in ipairs(adds) do
          buf:line("%s", add)
        end
        buf:close()
      end
    end
    close_all(buf, opened)
    buf:close()
    for o = first, last do
      local at = M.row(g, "f", "oy", tostring(o), g.out_height, g.out_width)
      local sum = string.format("z%d", o - first)
      if v.Z ~= v.A or layer.activation == "linear" then
        buf:line("%s[%s][0] = %s;", v.Z, at, sum)
      end
      if layer.activation ~= "linear" then
        buf:line("%s[%s][0] = %s;", v.A, at, activations.forward(plan, layer, sum))
      end
    end
  end)
end

-- Forward: Z = the convolution (+ b), then A = g(Z). `batched` (the batch functions, not the
-- one-sample predict) takes the implicit matrix product.
function M.forward(buf, plan, layer, v, batch, batched)
  if batched then
    forward_product(buf, plan, layer, v, batch)
    return
  end
  local g = M.geometry(layer)
  if batch == 1 and row_tiled(g) then
    forward_row_tiles(buf, plan, layer, v)
    return
  end
  local real = plan.real
  buf:loop("f", 0, g.filters)
  local outputs = open_outputs(buf, g)
  buf:line("%s *z = %s;", real, output_row(g, v.Z))
  buf:loop("j", 0, batch)
  buf:line("z[j] = %s;", layer.spec.bias and (v.b .. "[f]") or emit.literal(0, plan.dtype))
  buf:close()
  buf:loop("ch", 0, g.group_channels)
  local taps = open_taps(buf, g)
  buf:line("const %s w = %s;", real, weight(g, v.W))
  buf:line("const %s *a = %s;", real, input_row(g, v.A_prev))
  buf:loop("j", 0, batch)
  buf:line("z[j] += w * a[j];")
  buf:close()
  close_all(buf, taps)
  buf:close()
  if layer.activation ~= "linear" then
    if v.Z ~= v.A then
      buf:line("%s *out = %s;", real, output_row(g, v.A))
    end
    buf:loop("j", 0, batch)
    buf:line("%s = %s;", v.Z ~= v.A and "out[j]" or "z[j]", activations.forward(plan, layer, "z[j]"))
    buf:close()
  end
  close_all(buf, outputs)
  buf:close()
end

-- The weight gradient's implicit product gathers DW_REDUCTION reals of reduction (positions x
-- samples) at a time: enough that loading and storing a tile of dW once per chunk costs little
-- beside its multiply-adds, while the gathered rows stay a small scratch (M.gathered_reals).
M.DW_REDUCTION = 128

-- Output positions per chunk of the weight gradient's product, for batch m.
local function dw_chunk(g, m)
  local positions = g.out_height * g.out_width
  return math.min(positions, math.max(1, (M.DW_REDUCTION + m - 1) // m))
end

-- The weight gradient's product columns (the group's taps), rounded up to whole AVX2 vectors:
-- a product whose columns are not whole vectors has only the portable path, and a 1-channel 3x3
-- conv's 9 taps ran cnn8's first-layer dW at scalar speed (a third of its train step).
local function dw_columns(g, real_bytes)
  local depth = g.group_channels * g.kernel[1] * g.kernel[2]
  local lanes = 32 // real_bytes
  return depth, (depth + lanes - 1) // lanes * lanes
end

-- Reals of scratch the weight gradient uses (in the scratch struct's `transposed`, which looped
-- dense layers share for their transposes): the gathered input rows, and where the taps were
-- rounded up, dW accumulated in rounded-up rows.
function M.gathered_reals(layer, m, real_bytes)
  local g = M.geometry(layer)
  local depth, columns = dw_columns(g, real_bytes)
  return dw_chunk(g, m) * m * columns + (columns ~= depth and g.filters * columns or 0)
end

-- dW[f][k] = sum over positions p and samples j of dZ[f][p][j] * (the input row under tap k at
-- p)[j], as the tiled product of kernels.gemm, a chunk of positions at a time: the rows under
-- the taps of the chunk's positions are gathered transposed, gathered[(p - p0) * m + j][k]
-- (zeros in the padding), and dW += dZ[f][p0 .. p0 + chunk - 1][all j] gathered, with dZ's rows of
-- consecutive positions read as one contiguous row. The plain loops (one running sum per
-- sample, ~1 multiply-add per 4 cycles of FMA latency) made kws's train step 19x its forward.
local function weight_gradient_product(buf, plan, g, v, batch)
  local real, zero = plan.real, emit.literal(0, plan.dtype)
  local depth, columns = dw_columns(g, plan.dtype == "float" and 4 or 8)
  local rounded = columns ~= depth
  local positions = g.out_height * g.out_width
  local chunk = dw_chunk(g, batch)
  buf:open("{")
  if pads_taps(g) or rounded then
    buf:line("const %s zero_row[%d] = {%s};", real, batch, zero)
  end
  if rounded then
    buf:line("%s (*dweights)[%d] = (%s (*)[%d])%s; /* dW, rows rounded up to %d taps */", real,
      columns, real, columns, v.gathered, columns)
    buf:line("%s (*gathered)[%d] = (%s (*)[%d])(%s + %d);", real, columns, real, columns, v.gathered,
      g.filters * columns)
  else
    buf:line("%s (*dweights)[%d] = (%s (*)[%d])%s;", real, depth, real, depth, v.dW)
    buf:line("%s (*gathered)[%d] = (%s (*)[%d])%s;", real, depth, real, depth, v.gathered)
  end
  buf:line("const %s (*dz)[%d] = (const %s (*)[%d])%s;", real, positions * batch, real,
    positions * batch, v.dZ)
  buf:loop("f", 0, g.filters)
  buf:loop("k", 0, columns)
  buf:line("dweights[f][k] = %s;", zero)
  buf:close()
  buf:close()
  if g.groups > 1 then
    buf:loop("group", 0, g.groups)
  end
  local first_filter = g.groups > 1 and string.format("group * %d", g.group_filters) or nil
  local function filter(i)
    return first_filter and string.format("%s + %s", first_filter, i) or i
  end
  local function product(p0, count)
    local row = count == 1 and "j" or string.format("pos * %d + j", batch)
    buf:loop("pos", 0, count)
    local position = count == 1 and p0 or (tonumber(p0) == 0 and "pos" or (p0 .. " + pos"))
    if g.rank == 2 and tonumber(position) then
      buf:line("const int oy = %d, ox = %d;", tonumber(position) // g.out_width, tonumber(position) % g.out_width)
    elseif g.rank == 2 then
      buf:line("const int oy = (%s) / %d, ox = (%s) %% %d;", position, g.out_width, position, g.out_width)
    else
      buf:line("const int ox = %s;", position)
    end
    buf:line("const %s *taps[%d];", real, columns)
    gather_taps(buf, g, "taps", v.A_prev, "zero_row")
    if rounded then
      buf:loop("k", depth, columns)
      buf:line("taps[k] = zero_row;")
      buf:close()
    end
    -- the transposing copy is 8 x 8 blocks by the runtime's AVX2 transpose where it applies: as
    -- scalar copies it was a quarter of cnn8's train step (8 filters share each gathered row)
    local blocks = plan.dtype == "float" and batch % 8 == 0
    if blocks then
      buf:line("#if defined(GRADC_AVX2)")
      buf:loop("k0", 0, columns, 8)
      buf:loop("j0", 0, batch, 8)
      buf:line("gradc_transpose8_rows_ps(&taps[k0], j0, &gathered[%s][k0], %d);",
        count == 1 and "j0" or string.format("pos * %d + j0", batch), columns)
      buf:close()
      buf:close()
      buf:line("#else")
    end
    buf:loop("j", 0, batch)
    buf:loop("k", 0, columns)
    buf:line("gathered[%s][k] = taps[k][j];", row)
    buf:close()
    buf:close()
    if blocks then
      buf:line("#endif")
    end
    buf:close()
    cortexm.product(buf, plan, gemm.gemm, {
      rows = g.group_filters, cols = columns, depth = count * batch,
      a = function(i, k)
        local start = tonumber(p0) == 0 and k or string.format("%s * %d + %s", p0, batch, k)
        return string.format("dz[%s][%s]", filter(i), start)
      end,
      b = function(k, j) return string.format("gathered[%s][%s]", k, j) end,
      init = function() return zero end,
      row = filter,
      arrays = { { name = "dweights" } },
      store = function(out, at, value)
        out:line("%s += %s;", at("dweights"), value)
      end,
      vector_writes = function(op)
        return { { name = "dweights", value = function(sum, load)
          return string.format("%s(%s, %s)", op("add"), load("dweights"), sum)
        end } }
      end,
    })
  end
  local full = positions - positions % chunk
  if full > 0 then
    buf:loop("p0", 0, full, chunk)
    product(full == chunk and "0" or "p0", chunk)
    buf:close()
  end
  if full < positions then
    buf:open("{")
    product(tostring(full), positions - full)
    buf:close()
  end
  if g.groups > 1 then
    buf:close()
  end
  if rounded then
    buf:line("%s (*dW)[%d] = (%s (*)[%d])%s;", real, depth, real, depth, v.dW)
    buf:loop("f", 0, g.filters)
    buf:loop("k", 0, depth)
    buf:line("dW[f][k] = dweights[f][k];")
    buf:close()
    buf:close()
  end
  buf:close()
end

-- Backward: dW, db from dZ (v.dW, v.db name the gradients), and, given v.dA_prev, the gradient
-- with respect to the input (the transposed convolution), which the layer below then multiplies
-- by its g'. dW and db sum over positions into one partial sum per sample (vectorizable, unlike
-- a single running sum under strict IEEE), added up in sample order at the end. dA_prev is per
-- output position the tiled product W^T dZ (rows = the taps, columns = the batch, depth = the
-- filters) added into the rows under the taps; taps in the padding add into a discarded row.
function M.backward(buf, plan, layer, v, batch)
  local g = M.geometry(layer)
  local real, zero = plan.real, emit.literal(0, plan.dtype)
  local depth = g.group_channels * g.kernel[1] * g.kernel[2]
  local positions = g.out_height * g.out_width
  weight_gradient_product(buf, plan, g, v, batch)
  if layer.spec.bias then
    buf:loop("f", 0, g.filters)
    buf:line("%s lane[%d] = {%s};", real, batch, zero)
    local position_loops = open_outputs(buf, g)
    buf:line("const %s *dz = %s;", real, output_row(g, v.dZ))
    buf:loop("j", 0, batch)
    buf:line("lane[j] += dz[j];")
    buf:close()
    close_all(buf, position_loops)
    buf:line("%s sum = %s;", real, zero)
    buf:loop("j", 0, batch)
    buf:line("sum += lane[j];")
    buf:close()
    buf:line("%s[f] = sum;", v.db)
    buf:close()
  end
  if not v.dA_prev then
    return
  end
  buf:loop("r", 0, layer.n_in)
  buf:loop("j", 0, batch)
  buf:line("%s[r][j] = %s;", v.dA_prev, zero)
  buf:close()
  buf:close()
  local first_filter, close_product = open_position_product(buf, plan, g, batch, v.dA_prev, v.W,
    "discard", "")
  cortexm.product(buf, plan, gemm.gemm, {
    rows = depth, cols = batch, depth = g.group_filters,
    a = function(i, k) return string.format("weights[%s][%s]", k, i) end,
    b = function(k, j)
      local f = first_filter and string.format("%s + %s", first_filter, k) or k
      return string.format("%s[(%s) * %d + position][%s]", v.dZ, f, positions, j)
    end,
    init = function() return zero end,
    arrays = { { name = "taps" } },
    store = function(out, at, value)
      out:line("%s += %s;", at("taps"), value)
    end,
    vector_writes = function(op)
      return { { name = "taps", value = function(sum, load)
        return string.format("%s(%s, %s)", op("add"), load("taps"), sum)
      end } }
    end,
  })
  close_product()
end

-- "conv2d 1x8x8 -> 8x8x8, kernel 3x3, stride 1, padding 1, relu" for comments and summaries.
function M.describe(layer)
  local spec = layer.spec
  local first = spec.rank == 2 and 1 or 2
  local function dims(pair)
    local parts = {}
    for d = first, 2 do
      parts[#parts + 1] = tostring(pair[d])
    end
    return table.concat(parts, "x")
  end
  local pads = {}
  for d = first, 2 do
    local p = spec.pad[d]
    pads[#pads + 1] = p[1] == p[2] and tostring(p[1]) or (p[1] .. "+" .. p[2])
  end
  local words = { string.format("%s %s -> %s, kernel %s", spec.kind, shape.text(spec.in_shape),
    shape.text(spec.out_shape), dims(spec.kernel)) }
  if dims(spec.stride):match("[^1x]") then words[#words + 1] = "stride " .. dims(spec.stride) end
  if table.concat(pads, "x"):match("[^0x]") then words[#words + 1] = "padding " .. table.concat(pads, "x") end
  if dims(spec.dilation):match("[^1x]") then words[#words + 1] = "dilation " .. dims(spec.dilation) end
  if spec.groups > 1 then words[#words + 1] = "groups " .. spec.groups end
  if not spec.bias then words[#words + 1] = "no bias" end
  words[#words + 1] = spec.activation
  return table.concat(words, ", ")
end

---------------------------------------------------------------------------------------------------
-- Int8 inference (gen/q8/).

-- For each output position, the taps inside the input as a flat list of pairs (offset in a
-- filter's weights, offset in the input from its group's first channel), 1-based.
local function tap_lists(g)
  local kh, kw = g.kernel[1], g.kernel[2]
  local lists = {}
  for oy = 0, g.out_height - 1 do
    for ox = 0, g.out_width - 1 do
      local list = {}
      for c = 0, g.group_channels - 1 do
        for ky = 0, kh - 1 do
          local iy = oy * g.stride[1] + ky * g.dilation[1] - g.pad[1][1]
          if iy >= 0 and iy < g.height then
            for kx = 0, kw - 1 do
              local ix = ox * g.stride[2] + kx * g.dilation[2] - g.pad[2][1]
              if ix >= 0 and ix < g.width then
                list[#list + 1] = (c * kh + ky) * kw + kx + 1
                list[#list + 1] = (c * g.height + iy) * g.width + ix + 1
              end
            end
          end
        end
      end
      lists[oy * g.out_width + ox + 1] = list
    end
  end
  return lists
end

-- Z of one sample in double (calibration): `p.W` flat [filter][channel of its group][ky][kx],
-- `p.b` (nil without a bias); x and the result in the layout of X. The tap lists are made once
-- per layer (calibration runs every row through the same layers).
function M.evaluate(layer, p, x)
  local g = M.geometry(layer)
  layer.q8_taps = layer.q8_taps or tap_lists(g)
  local lists, W = layer.q8_taps, p.W
  local per_filter = g.group_channels * g.kernel[1] * g.kernel[2]
  local positions = g.out_height * g.out_width
  local group_size = g.group_channels * g.height * g.width
  local z = {}
  for f = 0, g.filters - 1 do
    local bias = p.b and p.b[f + 1] or 0
    local weight_base = f * per_filter
    local input_base = (f // g.group_filters) * group_size
    local out_base = f * positions
    for position = 1, positions do
      local list, sum = lists[position], bias
      for t = 1, #list, 2 do
        sum = sum + W[weight_base + list[t]] * x[input_base + list[t + 1]]
      end
      z[out_base + position] = sum
    end
  end
  return z
end

-- The int8 input patch of one output position: group_channels * kernel taps (1-D: kernel[2]).
function M.q8_patch_size(layer)
  local g = M.geometry(layer)
  return g.group_channels * g.kernel[1] * g.kernel[2]
end

-- Without a SIMD dot product (Cortex-M0/M3, RISC-V, GRADC_PORTABLE), one sample as the float
-- predict does it (forward_row_tiles): a row of up to ROW_TILE output positions of one filter
-- in int32 accumulators, each tap's weight read once per row tile, the input read in place (no
-- patch). A tap in the zero padding adds w * z_in, as the patch's padding holds z_in (B folds
-- -z_in sum w). The sums are exact integers: any order gives the same bits.
local function q8_row_tiles(buf, ql, names, helpers, input, output)
  local g = M.geometry(ql.layer)
  local z_in = ql.input.zero_point
  local kernel_width = g.kernel[2]
  local function padding_term(o, k)
    return string.format("z%d %s %d * w[%d];", o, z_in < 0 and "-=" or "+=", math.abs(z_in), k)
  end
  if not reads_input(g) then
    -- every output column lies over the padding: acc = B + z_in sum W, W read only if z_in is not 0
    buf:line("(void)%s;", input)
    if z_in == 0 then
      buf:line("(void)%s;", names.W)
    end
  end
  each_row_tile(buf, g, function() end, function(first, last)
    local sums = {}
    for o = first, last do
      sums[#sums + 1] = string.format("z%d = %s[f]", o - first, names.B)
    end
    buf:line("int32_t %s;", table.concat(sums, ", "))
    -- a tile over the padding alone adds z_in times its taps' weights, nothing when z_in is 0
    local reads = tile_reads_input(g, first, last)
    buf:loop("ch", 0, (reads or z_in ~= 0) and g.group_channels or 0)
    local channel = input_channel(g)
    local opened = 0
    local tap0 = "ch * " .. kernel_width
    if g.rank == 2 then
      buf:loop("ky", 0, g.kernel[1])
      tap0 = string.format("(ch * %d + ky) * %d", g.kernel[1], kernel_width)
    end
    buf:line("const int8_t *w = &%s[f][%s];", names.W, tap0)
    if g.rank == 2 then
      buf:line("const int iy = %s;", input_coordinate(g, 1, "oy", "ky"))
      if g.pad[1][1] > 0 or g.pad[1][2] > 0 then
        buf:open("if (iy >= 0 && iy < %d) {", g.height)
        opened = 1
      end
    end
    if reads then
      buf:line("const int8_t *row = &%s[%s];", input, M.row(g, channel, "iy", "0", g.height, g.width))
    end
    for kx = 0, kernel_width - 1 do
      for o = first, last do
        local ix = input_column(g, o, kx)
        if ix >= 0 and ix < g.width then
          buf:line("z%d += w[%d] * row[%d];", o - first, kx, ix)
        elseif z_in ~= 0 then
          buf:line("%s", padding_term(o - first, kx))
        end
      end
    end
    if opened == 1 and z_in ~= 0 then
      -- a row of taps in the padding above or below: z_in times their weights' sum
      buf:otherwise()
      local terms = {}
      for kx = 0, kernel_width - 1 do
        terms[#terms + 1] = string.format("w[%d]", kx)
      end
      buf:line("const int32_t edge = %d * (%s);", z_in, table.concat(terms, " + "))
      for o = first, last do
        buf:line("z%d += edge;", o - first)
      end
      buf:close()
    elseif opened == 1 then
      buf:close()
    end
    if g.rank == 2 then
      buf:close()
    end
    buf:close()
    for o = first, last do
      buf:open("{")
      activations.q8_store(buf, ql, names, helpers,
        string.format("%s[%s]", output, M.row(g, "f", "oy", tostring(o), g.out_height, g.out_width)),
        string.format("z%d", o - first), "f")
      buf:close()
    end
  end)
end

-- The taps of output position (oy, ox) into patch[c][ky][kx], in the input channel `channel` (a C
-- expression of c), a tap in the padding holding the input's zero point z_in (real 0, as the
-- padding is).
local function q8_gather(buf, g, input, z_in, channel)
  -- tap by tap, each tap's channels innermost: a tap's bounds are checked once for all of them
  local checks = {}
  local tap = "c * " .. g.kernel[2] .. " + kx"
  if g.rank == 2 then
    buf:loop("ky", 0, g.kernel[1])
    buf:line("const int iy = %s;", input_coordinate(g, 1, "oy", "ky"))
    if g.pad[1][1] > 0 or g.pad[1][2] > 0 then
      checks[#checks + 1] = string.format("iy >= 0 && iy < %d", g.height)
    end
    tap = string.format("(c * %d + ky) * %d + kx", g.kernel[1], g.kernel[2])
  end
  buf:loop("kx", 0, g.kernel[2])
  buf:line("const int ix = %s;", input_coordinate(g, 2, "ox", "kx"))
  if g.pad[2][1] > 0 or g.pad[2][2] > 0 then
    checks[#checks + 1] = string.format("ix >= 0 && ix < %d", g.width)
  end
  local element = string.format("%s[%s]", input, M.row(g, channel, "iy", "ix", g.height, g.width))
  if #checks > 0 then
    buf:line("const int inside = %s;", table.concat(checks, " && "))
  end
  buf:loop("c", 0, g.group_channels)
  if #checks > 0 then
    buf:line("patch[%s] = inside ? %s : (int8_t)%d;", tap, element, z_in)
  else
    buf:line("patch[%s] = %s;", tap, element)
  end
  buf:close()
  buf:close()
  if g.rank == 2 then
    buf:close()
  end
end

-- One sample, as a dense layer per output position: the position's taps gathered (per group) into
-- patch[channel][ky][kx], a padded tap holding the input's zero point (real 0, as the padding is),
-- then for each filter of the group acc = B[f] + sum W[f] patch (the zero point folded into B,
-- gen/q8/code.lua) through the build's dot product, and the requantized, clamped store.
-- W is const int8 [filter][channel][ky][kx], one contiguous row per filter.
local function q8_patches(buf, ql, names, helpers, input, output)
  local g = M.geometry(ql.layer)
  local taps = M.q8_patch_size(ql.layer)
  local z_in = ql.input.zero_point
  buf:open("{")
  buf:line("int8_t patch[%d];", taps)
  buf:loop("oy", 0, g.out_height)
  buf:loop("ox", 0, g.out_width)
  local channel = "c"
  if g.groups > 1 then
    buf:loop("group", 0, g.groups)
    channel = g.group_channels == 1 and "group" or string.format("(group * %d + c)", g.group_channels)
  end
  q8_gather(buf, g, input, z_in, channel)
  -- filters in pairs through dot2  -- filters in pairs through dot2 (the patch read once for both where that helps), an odd last
  -- filter (of the layer or each group) alone; f is the filter, k its index in the group
  local per_group = g.groups == 1 and g.filters or g.group_filters
  local pairs_end = per_group - per_group % 2
  local function filter_of(k)
    if g.groups == 1 then
      return k
    end
    return per_group == 1 and "group" or string.format("group * %d + %s", per_group, k)
  end
  local function store(f, sum)
    buf:open("{")
    buf:line("const int32_t acc = %s[%s] + %s;", names.B, f, sum)
    activations.q8_store(buf, ql, names, helpers,
      string.format("%s[%s]", output, M.row(g, f:find(" ") and "(" .. f .. ")" or f, "oy", "ox", g.out_height,
      g.out_width)), "acc", f)
    buf:close()
  end
  -- the filters from `from` on in pairs, then the odd one
  local function pairs_from(from)
    if pairs_end > from then
      buf:loop("k", from, pairs_end, 2)
      buf:line("const int f = %s;", filter_of("k"))
      buf:line("int32_t sums[2];")
      buf:line("%s(%s[f], %s[f + 1], patch, %d, sums);", helpers.dot2(), names.W, names.W, taps)
      store("f", "sums[0]")
      store("f + 1", "sums[1]")
      buf:close()
    end
    if pairs_end < per_group then
      local f = filter_of(tostring(pairs_end))
      store(f, string.format("%s(%s[%s], patch, %d)", helpers.dot(), names.W, f, taps))
    end
  end
  -- on ARMv7E-M DSP cores (one group) filters go in fours through gen/q8/rows.lua's kernel first
  local dsp_rows = g.groups == 1 and per_group >= q8_rows.ROWS
  if dsp_rows then
    buf:line("#if defined(%s)", helpers.dsp_macro())
    local fours_end = q8_rows.emit(buf, helpers, { rows = per_group, length = taps, weights = names.W,
      bias = names.B, x = "patch", index = "f", store = function(f, acc)
        buf:open("{")
        activations.q8_store(buf, ql, names, helpers, string.format("%s[%s]", output,
          M.row(g, f:find(" ") and "(" .. f .. ")" or f, "oy", "ox", g.out_height, g.out_width)), acc, f)
        buf:close()
      end })
    pairs_from(fours_end)
    -- the other targets' two-row dot product, which this branch may leave uncalled (a warning)
    buf:line("(void)&%s;", helpers.dot2())
  end
  if g.groups == 1 and per_group >= q8_x86.ROWS then
    -- x86 with AVX2 (or a CPU that has it, in a build that dispatches): eight filters a pass
    q8_x86.branch(buf, helpers, "elif", { ql = ql, names = names, rows = per_group, length = taps,
      x = "patch", index = "f", store = function(f, value, requantized)
        q8_x86.store(buf, ql, names, helpers, string.format("%s[%s]", output,
          M.row(g, "(" .. f .. ")", "oy", "ox", g.out_height, g.out_width)), value, requantized, f)
      end }, pairs_from)
  end
  if dsp_rows then
    buf:line("#else")
  end
  pairs_from(0)
  if dsp_rows then
    buf:line("#endif")
  end
  if g.groups > 1 then
    buf:close()
  end
  buf:close()
  buf:close()
  buf:close("}")
end

-- The ARMv7E-M DSP pair kernel of gen/q8/pairs.lua on a convolution (one group, four filters or
-- more): nil where it does not apply, else the layout its stream and code follow. Each output
-- position reads its pair words as runs of contiguous words, skipping between them, from a plane
-- the layer's input is expanded into once:
--   "channels" (channels a multiple of 4): [padded row][padded column][channel / 4][P, Q], the
--     padding's words those of z_in; the columns in the order (ky, kx, channel), a run per kernel
--     row (per tap with a dilated width);
--   "windows" (other channel counts, undilated width): [channel][padded row][output column]
--     [word][P, Q], word j the four input columns from ox * stride + 4 j, so that a kernel row is
--     ceil(kw / 4) words; the columns in the order (channel, ky, kx), kx padded with zero weights
--     to whole words; a run per kernel row;
-- or, where those do not fit (a dilated width, or a windows plane over WINDOWS_LIMIT bytes):
--   "patch": each output position's taps gathered into an int8 patch in W's order (channel, ky,
--     kx), zero weights after them to whole words, then expanded.
-- `columns` is the weight (1-based in W's row, 0 a zero weight) at each column of the kernel,
-- `runs` the runs of four-column steps, `scratch` the stack bytes of the plane or the patch.
-- The jumps between runs and the outputs of a block's four filters take immediate offsets
-- (at most 4095 bytes).
M.WINDOWS_LIMIT = 16384
M.STRAIGHT_STEPS = 48
local OFFSET_LIMIT = 4095

-- The runs of a layout whose column words sit at the byte offsets `starts` (in column order, one
-- step each) from the position's first: contiguous steps merged, nil if a jump or a run is too
-- long for an immediate.
local function runs_of(starts)
  local runs, last_end = {}, nil
  for _, start in ipairs(starts) do
    if last_end == start then
      runs[#runs].steps = runs[#runs].steps + 1
    else
      if last_end then
        runs[#runs].jump = start - last_end
        if runs[#runs].jump < 0 or runs[#runs].jump > OFFSET_LIMIT then
          return nil
        end
      end
      runs[#runs + 1] = { steps = 1 }
    end
    last_end = start + 8
  end
  -- a looped run among several sets its end pointer with an immediate too
  for _, run in ipairs(runs) do
    if #runs > 1 and 8 * run.steps > OFFSET_LIMIT then
      return nil
    end
  end
  return runs
end

local function pairs_layout(g)
  local kh, kw = g.kernel[1], g.kernel[2]
  local positions = g.out_height * g.out_width
  if g.groups ~= 1 or g.filters < q8_pairs.ROWS or (q8_pairs.ROWS - 1) * positions > OFFSET_LIMIT then
    return nil
  end
  local padded_height = g.height + g.pad[1][1] + g.pad[1][2]
  local padded_width = g.width + g.pad[2][1] + g.pad[2][2]
  local layout = { columns = {}, padded_height = padded_height, padded_width = padded_width }
  local starts = {}
  if g.channels % 4 == 0 then
    local quads = g.channels // 4
    layout.kind, layout.quads = "channels", quads
    layout.scratch = 8 * padded_height * padded_width * quads
    for ky = 0, kh - 1 do
      for kx = 0, kw - 1 do
        for c = 0, g.channels - 1 do
          layout.columns[#layout.columns + 1] = (c * kh + ky) * kw + kx + 1
        end
        for quad = 0, quads - 1 do
          starts[#starts + 1] = 8 * ((ky * g.dilation[1] * padded_width + kx * g.dilation[2]) * quads + quad)
        end
      end
    end
    layout.runs = runs_of(starts)
    if layout.runs then
      return layout
    end
  elseif g.dilation[2] == 1 then
    local words = (kw + 3) // 4
    layout.kind, layout.words = "windows", words
    -- the padded input rows, long enough for the input and its padding on the left and for every
    -- window's four bytes (a stride can leave input columns past the last window)
    layout.padded_row = math.max(g.pad[2][1] + g.width, (g.out_width - 1) * g.stride[2] + 4 * words)
    layout.scratch = g.channels * padded_height * (layout.padded_row + 8 * g.out_width * words)
    for c = 0, g.channels - 1 do
      for ky = 0, kh - 1 do
        for kx = 0, 4 * words - 1 do
          layout.columns[#layout.columns + 1] = kx < kw and (c * kh + ky) * kw + kx + 1 or 0
        end
        for j = 0, words - 1 do
          starts[#starts + 1] = 8 * (((c * padded_height + ky * g.dilation[1]) * g.out_width) * words + j)
        end
      end
    end
    layout.runs = runs_of(starts)
    if layout.runs and layout.scratch <= M.WINDOWS_LIMIT then
      return layout
    end
  end
  local taps = g.channels * kh * kw
  local length = (taps + 3) // 4 * 4
  layout = { kind = "patch", length = length, columns = {}, runs = { { steps = length // 4 } },
    scratch = length + 2 * length }
  for k = 1, length do
    layout.columns[k] = k <= taps and k or 0
  end
  return layout
end

function M.q8_pairs_layout(ql)
  if ql.q8_pairs_layout == nil then
    ql.q8_pairs_layout = pairs_layout(M.geometry(ql.layer)) or false
  end
  return ql.q8_pairs_layout or nil
end

-- The plane of the "channels" layout: plane[((row * padded width + column) * quads + quad) * 2]
-- holds P, the next word Q, of input channels 4 quad .. 4 quad + 3 at (row - top, column - left);
-- the padding around the input holds the pair words of z_in.
local function q8_plane(buf, g, layout, helpers, input, z_in)
  local quads, width = layout.quads, layout.padded_width
  local top, left, right = g.pad[1][1], g.pad[2][1], g.pad[2][2]
  local p_pad, q_pad = q8_pairs.constant_words(z_in)
  buf:line("int32_t plane[%d];", layout.scratch // 4)
  if top + g.pad[1][2] + left + right > 0 then
    buf:line("/* the padding's pair words: P = (z - %d, z - %d), Q = 256 z - P (z = %d) */",
      q8_pairs.ODD_OFFSET, q8_pairs.ODD_OFFSET, z_in)
    buf:line("const int32_t pad_p = %d, pad_q = %d;", p_pad, q_pad)
  end
  local function fill(array, first, quad_count, what)
    if quad_count == 0 then
      return
    end
    buf:line("/* %s */", what)
    buf:loop("k", 0, quad_count)
    local at = first == 0 and "" or string.format("%d + ", first)
    buf:line("%s[%s2 * k] = pad_p;", array, at)
    buf:line("%s[%s2 * k + 1] = pad_q;", array, at)
    buf:close()
  end
  fill("plane", 0, top * width * quads, "the padding's rows above")
  fill("plane", 2 * (top + g.height) * width * quads, g.pad[1][2] * width * quads, "and below")
  buf:loop("iy", 0, g.height)
  buf:line("int32_t *row = &plane[%s];", times(top == 0 and "iy" or string.format("(iy + %d)", top), 2 * width * quads))
  fill("row", 0, left * quads, "the padding's columns on the left")
  fill("row", 2 * (left + g.width) * quads, right * quads, "and on the right")
  buf:loop("ix", 0, g.width)
  buf:loop("quad", 0, quads)
  local plane_size = g.height * g.width
  buf:line("const int8_t *channel = &%s[%s];", input, M.row(g, "4 * quad", "iy", "ix", g.height, g.width))
  buf:line("/* channels 4 quad .. 4 quad + 3 as one little-endian word */")
  buf:line("const uint32_t bytes = (uint32_t)(uint8_t)channel[0] | (uint32_t)(uint8_t)channel[%d] << 8 |",
    plane_size)
  buf:line("    (uint32_t)(uint8_t)channel[%d] << 16 | (uint32_t)(uint8_t)channel[%d] << 24;", 2 * plane_size,
    3 * plane_size)
  buf:line("const int32_t xv = (int32_t)bytes;")
  q8_pairs.expand_word(buf, helpers, "xv", "row", string.format("(%s * %d + quad) * 2",
    left == 0 and "ix" or string.format("(ix + %d)", left), quads))
  buf:close()
  buf:close()
  buf:close()
end

-- The plane of the "windows" layout: the input rows copied once into rows of z_in long enough
-- for every window, then plane[(((channel * padded height + row) * out width + ox) * words + j) * 2]
-- holds P, the next word Q, of the four bytes from column ox * stride + 4 j of that padded row.
local function q8_windows(buf, g, layout, helpers, input, z_in)
  local rows, row_bytes = g.channels * layout.padded_height, layout.padded_row
  local words = layout.words
  buf:line("int8_t padded[%d];", rows * row_bytes)
  buf:line("memset(padded, %d, sizeof padded);", z_in)
  buf:loop("c", 0, g.channels)
  buf:loop("iy", 0, g.height)
  buf:line("memcpy(&padded[(c * %d + iy + %d) * %d + %d], &%s[%s], %d);", layout.padded_height, g.pad[1][1],
    row_bytes, g.pad[2][1], input, M.row(g, "c", "iy", "0", g.height, g.width), g.width)
  buf:close()
  buf:close()
  buf:line("int32_t plane[%d];", 2 * rows * g.out_width * words)
  buf:loop("row", 0, rows)
  buf:loop("ox", 0, g.out_width)
  buf:loop("j", 0, words)
  buf:line("int32_t xv;")
  buf:line("memcpy(&xv, &padded[row * %d + %s + 4 * j], 4);", row_bytes, times("ox", g.stride[2]))
  q8_pairs.expand_word(buf, helpers, "xv", "plane", string.format("((row * %d + ox) * %d + j) * 2", g.out_width,
    words))
  buf:close()
  buf:close()
  buf:close()
end

-- One sample through the pair kernel: per output position the stream of W from its start and
-- the blocks of four filters, each reading the position's pair words (runs of the plane, or its
-- expanded patch) and storing its four outputs a plane of outputs apart.
local function q8_pairs_conv(buf, ql, names, helpers, input, output)
  local g = M.geometry(ql.layer)
  local layout = M.q8_pairs_layout(ql)
  local z_in = ql.input.zero_point
  local positions = g.out_height * g.out_width
  local taps = g.channels * g.kernel[1] * g.kernel[2]
  buf:open("{")
  if layout.kind == "channels" then
    q8_plane(buf, g, layout, helpers, input, z_in)
  elseif layout.kind == "windows" then
    q8_windows(buf, g, layout, helpers, input, z_in)
  else
    buf:line("int8_t patch[%d];", layout.length)
    if taps < layout.length then
      buf:line("/* the columns past the taps meet zero weights */")
      buf:loop("k", taps, layout.length)
      buf:line("patch[k] = 0;")
      buf:close()
    end
  end
  local opened = open_outputs(buf, g)
  local x = "pairs"
  if layout.kind == "patch" then
    q8_gather(buf, g, input, z_in, "c")
    q8_pairs.expand(buf, helpers, "patch", layout.length, "pairs")
  else
    -- the position's first word: its first tap in the plane
    local row_words, column_words
    if layout.kind == "windows" then
      row_words, column_words = 2 * g.out_width * layout.words, 2 * layout.words
    else
      row_words, column_words = 2 * layout.padded_width * layout.quads, 2 * g.stride[2] * layout.quads
    end
    local first = times("ox", column_words)
    if g.rank == 2 then
      first = times("oy", g.stride[1] * row_words) .. " + " .. first
    end
    buf:line("const int32_t *taps = &plane[%s];", first)
    x = "taps"
  end
  buf:line("int8_t *out = &%s[%s];", output, g.rank == 2 and string.format("oy * %d + ox", g.out_width) or "ox")
  buf:line("const int32_t *w = %s;", names.W)
  -- a block of up to STRAIGHT_STEPS steps is written out whole: a conv's runs are short, and each
  -- loop costs its end pointer and two instructions a pass (digits_cnn's second conv: 2.7k of 74k)
  local steps = 0
  for _, run in ipairs(layout.runs) do
    steps = steps + run.steps
  end
  q8_pairs.blocks(buf, { ql = ql, rows = g.filters, runs = layout.runs, x = x, stride = positions,
    straight = steps <= M.STRAIGHT_STEPS and steps or nil, table = names.T, out_at = function(first, row)
      return row == 0 and "out" or string.format("&out[%s * %d]", first, positions)
    end })
  close_all(buf, opened)
  buf:close()
end

-- One sample of an int8 convolution: the pair kernel over its plane where the build has it and
-- the layer takes it (gen/q8/code.lua sets ql.pairs), else the patches where the build has a SIMD
-- dot product, the row tiles elsewhere (for the geometries row_tiled takes; the patches for the
-- rest). The patches and row tiles read W's rows in their order, the pair kernel its stream.
function M.q8_emit(buf, ql, names, helpers, input, output)
  local g = M.geometry(ql.layer)
  local tracked, name_called = helpers, nil
  if ql.pairs then
    tracked, name_called = q8_pairs.tracking(helpers)
    buf:line("#if !defined(%s)", helpers.pairs_macro())
  end
  if row_tiled(g) then
    buf:line("#if %s", tracked.simd_dot_condition())
    q8_patches(buf, ql, names, tracked, input, output)
    buf:line("#else")
    q8_row_tiles(buf, ql, names, tracked, input, output)
    buf:line("#endif")
  else
    q8_patches(buf, ql, names, tracked, input, output)
  end
  if ql.pairs then
    buf:line("#else")
    q8_pairs_conv(buf, ql, names, helpers, input, output)
    name_called(buf, { "requantize", "scale", "offset", "clamp" })
    buf:line("#endif")
  end
  if row_tiled(g) or ql.pairs then
    -- the dot products, which the build's branch may leave uncalled (a warning)
    buf:line("(void)&%s;", helpers.dot())
    buf:line("(void)&%s;", helpers.dot2())
  end
end

return M
