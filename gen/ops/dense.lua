-- The dense layer Z = W A_prev + b: its forward pass, the gradients of its parameters, and the
-- propagation of dZ to the layer below. Each comes in two shapes: `full` (one statement per output
-- element, every index a constant) and `loops` (constant-bound loops over the contiguous batch
-- dimension in the innermost position, so the compiler can vectorize them).
--
-- `v` names the arrays as C expressions: v.W, v.b, v.Z, v.A, v.A_prev, v.dZ, v.dZ_next, v.W_next,
-- v.dW, v.db; all 2-D arrays are indexed [unit][sample].
local activations = require("ops.activations")
local cortexm = require("kernels.cortexm")
local q8_pairs = require("q8.pairs")
local q8_rows = require("q8.rows")
local q8_x86 = require("q8.x86")
local emit = require("emit")
local gemm = require("kernels.gemm")
local reduce = require("kernels.reduce")
local shape = require("ops.shape")

local M = {}

M.FIELDS = { "type", "units", "activation", "alpha" }

-- A dense layer's fields; a spatial input is flattened in feature order.
function M.validate(ck, raw, ctx)
  local path = ctx.path
  ck:known_fields(raw, path, M.FIELDS)
  local units = ck:integer(ck:required(raw, "units", path .. ".units", "an integer >= 1"), path .. ".units", 1,
    ctx.max_units)
  local activation, alpha = activations.validate(ck, raw, path, true, ctx)
  local n_in = shape.features(ctx.in_shape)
  return { kind = "dense", units = units, activation = activation, alpha = alpha,
    in_shape = ctx.in_shape, out_shape = shape.flat(units), params = units * n_in + units }
end

local TERMS_PER_LINE = 3

-- A tiled product (kernels.gemm), with the Cortex-M kernel's register-blocked form first where the
-- real type has one.
local function product(buf, plan, g)
  cortexm.product(buf, plan, gemm.gemm, g)
end

-- "lhs = t1 + t2 + ...;" (or another `assign`ment operator) wrapped a few terms per line so
-- unrolled code stays readable; each continuation line's "+ " stands just before the column of the
-- first term, so the terms line up.
local function sum_statement(buf, lhs, terms, wrap, assign)
  local head = lhs .. " " .. (assign or "=") .. " "
  wrap = wrap or function(sum) return sum end
  if #terms <= TERMS_PER_LINE then
    buf:line("%s%s;", head, wrap(table.concat(terms, " + ")))
    return
  end
  local chunks = {}
  for i = 1, #terms, TERMS_PER_LINE do
    chunks[#chunks + 1] = table.concat(terms, " + ", i, math.min(i + TERMS_PER_LINE - 1, #terms))
  end
  local first_term = #head + wrap("\0"):find("\0", 1, true) - 1
  local continuation = "\n" .. string.rep("    ", buf.depth) .. string.rep(" ", first_term - 2) .. "+ "
  buf:line("%s%s;", head, wrap(table.concat(chunks, continuation)))
end

-- "lhs = start; lhs = FMA(x1, y1, lhs); ...": a sum of products as a chain of multiply-adds, one per
-- line, in the order written (the runtime's GRADC_FMA(F) fuses them where the target can: these
-- chains are the latency of a small network). `start` is a first term, or nil to begin with
-- x1 * y1; `wrap`, if given, makes a last statement `lhs = wrap(lhs)`.
local function muladd_statements(buf, plan, lhs, start, products, wrap)
  local fma = plan.dtype == "float" and "GRADC_FMAF" or "GRADC_FMA"
  local first = 1
  if not start and #products == 1 and wrap then
    buf:line("%s = %s;", lhs, wrap(string.format("%s * %s", products[1][1], products[1][2])))
    return
  end
  if not start then
    start, first = string.format("%s * %s", products[1][1], products[1][2]), 2
  end
  buf:line("%s = %s;", lhs, start)
  for i = first, #products do
    buf:line("%s = %s(%s, %s, %s);", lhs, fma, products[i][1], products[i][2], lhs)
  end
  if wrap then
    buf:line("%s = %s;", lhs, wrap(lhs))
  end
end

-- The forward sums stay plain expressions: gcc vectorizes the statements of a whole layer together
-- (one 16-wide product for xor's first layer), which it does not do for chains of fmaf; xor's
-- forward ran in 45 ns so against 53 ns as multiply-add chains.
local function forward_full(buf, layer, v, batch)
  for r = 0, layer.n_out - 1 do
    for j = 0, batch - 1 do
      local terms = { string.format("%s[%d]", v.b, r) }
      for k = 0, layer.n_in - 1 do
        terms[#terms + 1] = string.format("%s[%d][%d] * %s[%d][%d]", v.W, r, k, v.A_prev, k, j)
      end
      sum_statement(buf, string.format("%s[%d][%d]", v.Z, r, j), terms)
    end
  end
end

-- What a forward tile stores per element: Z as it is and A = g(Z), or one of them when Z and A
-- are the same array (in place) or A comes later (softmax needs whole columns).
local function forward_writes(plan, layer, v)
  local function as_is(value) return value end
  local function activated(value) return activations.forward(plan, layer, value) end
  local elementwise = layer.has_A and layer.activation ~= "softmax"
  if v.Z == v.A then
    return { { name = v.A, value = elementwise and activated or as_is } }
  elseif not elementwise then
    return { { name = v.Z, value = as_is } }
  end
  return { { name = v.Z, value = as_is }, { name = v.A, value = activated } }
end

-- Forward in loops: Z = W A_prev + b as one tiled product, with the activation applied as each
-- tile is stored (softmax, which needs whole columns, runs after).
local function forward_loops(buf, plan, layer, v, batch, multiply)
  multiply(buf, plan, {
    rows = layer.n_out, cols = batch, depth = layer.n_in,
    a = function(i, k) return string.format("%s[%s][%s]", v.W, i, k) end,
    b = function(k, j) return string.format("%s[%s][%s]", v.A_prev, k, j) end,
    init = function(i) return string.format("%s[%s]", v.b, i) end,
    arrays = forward_writes(plan, layer, v),
    store = function(out, at, value)
      for _, write in ipairs(forward_writes(plan, layer, v)) do
        out:line("%s = %s;", at(write.name), write.value(value))
      end
    end,
    vector_writes = function(op)
      local writes = {}
      for _, write in ipairs(forward_writes(plan, layer, v)) do
        local activated = write.name == v.A and layer.has_A and layer.activation ~= "softmax"
        if activated and not activations.has_vector_form(layer) then
          return nil
        end
        writes[#writes + 1] = { name = write.name, value = function(sum)
          return activated and activations.vector_forward(layer, op, sum) or sum
        end }
      end
      return writes
    end,
  })
end

-- Activation of every element of a fully unrolled layer (softmax: its column loops).
local function activate_full(buf, plan, layer, v, batch)
  if layer.activation == "softmax" then
    activations.softmax(buf, plan, layer, v.Z, v.A, batch)
    return
  end
  if not layer.has_A then
    return
  end
  -- a loop even here: the statements it replaces did not vectorize, the loop does
  if layer.n_out == 1 or batch == 1 then
    buf:loop("r", 0, layer.n_out)
    buf:loop("j", 0, batch)
    buf:line("%s[r][j] = %s;", v.A, activations.forward(plan, layer, v.Z .. "[r][j]"))
    buf:close()
    buf:close()
    return
  end
  -- One loop over the layer's elements, through pointers to the arrays' first elements: gcc
  -- vectorizes a row of a [unit][sample] nest at a time (four 4-wide sigmoids for xor's first
  -- layer), but the whole run as one (a 16-wide one): xor's forward ran in 26 ns so against 33.
  local count = layer.n_out * batch
  buf:open("{")
  buf:line("%s *A_elements = &%s[0][0];", plan.real, v.A)
  local source = "A_elements"
  if v.Z ~= v.A then
    buf:line("const %s *Z_elements = &%s[0][0];", plan.real, v.Z)
    source = "Z_elements"
  end
  buf:loop("e", 0, count)
  buf:line("A_elements[e] = %s;", activations.forward(plan, layer, source .. "[e]"))
  buf:close()
  buf:close()
end

-- One sample on a Cortex-M: each row of W streamed against the input (cortexm.one_sample), the
-- activation applied as each sum is stored.
local function forward_one_sample(buf, plan, layer, v)
  cortexm.one_sample(buf, plan, {
    rows = layer.n_out, depth = layer.n_in,
    input = string.format("&%s[0][0]", v.A_prev),
    weights = function(i) return string.format("%s[%s]", v.W, i) end,
    init = function(i) return string.format("%s[%s]", v.b, i) end,
    store = function(out, i, value)
      for _, write in ipairs(forward_writes(plan, layer, v)) do
        out:line("%s[%s][0] = %s;", write.name, i, write.value(value))
      end
    end,
  })
end

-- `multiply`: the tiled product of looped layers (the one-sample Cortex-M path has its own).
local function forward_portable(buf, plan, layer, v, batch, mode, multiply)
  if mode == "full" then
    forward_full(buf, layer, v, batch)
    activate_full(buf, plan, layer, v, batch)
  else
    forward_loops(buf, plan, layer, v, batch, multiply)
    if layer.activation == "softmax" then
      activations.softmax(buf, plan, layer, v.Z, v.A, batch)
    end
  end
end

function M.forward(buf, plan, layer, v, batch, mode)
  if batch > 1 or not cortexm.applies(plan) then
    forward_portable(buf, plan, layer, v, batch, mode, product)
    return
  end
  buf:line("#if defined(%s)", cortexm.MACRO)
  forward_one_sample(buf, plan, layer, v)
  if layer.activation == "softmax" then
    activations.softmax(buf, plan, layer, v.Z, v.A, batch)
  end
  buf:line("#else")
  forward_portable(buf, plan, layer, v, batch, mode, gemm.gemm)
  buf:line("#endif")
end

-- dW = dZ A_prev^T and db = row sums of dZ (the 1/m is already inside dZ).
--
-- With v.lr (a C literal), the step's SGD update instead: v.dW and v.db then name the parameters,
-- and each gradient element is applied as it is computed (W -= lr dW), never stored. train_step
-- does this for sgd: the separate pass over the parameters and their gradients took 5% of mlp's
-- train step.
function M.parameter_gradients(buf, plan, layer, v, batch, mode)
  local lr = v.lr
  if mode == "full" then
    for r = 0, layer.n_out - 1 do
      for k = 0, layer.n_in - 1 do
        local products = {}
        for j = 0, batch - 1 do
          products[#products + 1] = {
            string.format("%s[%d][%d]", v.dZ, r, j), string.format("%s[%d][%d]", v.A_prev, k, j) }
        end
        local target = string.format("%s[%d][%d]", v.dW, r, k)
        if lr then
          buf:open("{")
          buf:line("%s gradient;", plan.real)
          muladd_statements(buf, plan, "gradient", nil, products)
          buf:line("%s -= %s * gradient;", target, lr)
          buf:close()
        else
          muladd_statements(buf, plan, target, nil, products)
        end
      end
      local terms = {}
      for j = 0, batch - 1 do
        terms[#terms + 1] = string.format("%s[%d][%d]", v.dZ, r, j)
      end
      if lr then
        sum_statement(buf, string.format("%s[%d]", v.db, r), terms, function(sum)
          return lr .. " * (" .. sum .. ")"
        end, "-=")
      else
        sum_statement(buf, string.format("%s[%d]", v.db, r), terms)
      end
    end
    return
  end
  -- dW = dZ A_prev^T: a tiled product against A_prev transposed (v.A_prevT, batch x n_in), so the
  -- reduction over the batch becomes independent multiply-adds over contiguous rows.
  reduce.transpose(buf, plan, v.A_prev, v.A_prevT, layer.n_in, batch)
  local zero = emit.literal(0, plan.dtype)
  product(buf, plan, {
    rows = layer.n_out, cols = layer.n_in, depth = batch,
    a = function(i, k) return string.format("%s[%s][%s]", v.dZ, i, k) end,
    b = function(k, j) return string.format("%s[%s][%s]", v.A_prevT, k, j) end,
    init = function() return zero end,
    arrays = { { name = v.dW } },
    store = function(out, at, value)
      if lr then
        out:line("%s -= %s * %s;", at(v.dW), lr, value)
      else
        out:line("%s = %s;", at(v.dW), value)
      end
    end,
    vector_writes = function(op)
      return { { name = v.dW, value = function(sum, load)
        if lr then -- W - lr dW, fused
          return string.format("%s(%s(%s), %s, %s)", op("fnmadd"), op("set1"), lr, sum, load(v.dW))
        end
        return sum
      end } }
    end,
  })
  reduce.row_sums(buf, plan, v.dZ, v.db, layer.n_out, batch, lr)
end

-- dZ of `layer` from the layer above it: dZ = (W_next^T dZ_next) * g'(Z).
-- `next_layer` gives the shape of W_next (n_out x layer.n_out) and the unroll mode.
function M.propagate(buf, plan, layer, next_layer, v, batch)
  if next_layer.unroll == "full" then
    for k = 0, layer.n_out - 1 do
      for j = 0, batch - 1 do
        local products = {}
        for r = 0, next_layer.n_out - 1 do
          products[#products + 1] = {
            string.format("%s[%d][%d]", v.W_next, r, k), string.format("%s[%d][%d]", v.dZ_next, r, j) }
        end
        local z = string.format("%s[%d][%d]", v.Z, k, j)
        local a = string.format("%s[%d][%d]", v.A, k, j)
        local wrap = layer.activation ~= "linear" and function(sum)
          return activations.backward(plan, layer, sum, z, a)
        end or nil
        muladd_statements(buf, plan, string.format("%s[%d][%d]", v.dZ, k, j), nil, products, wrap)
      end
    end
    return
  end
  -- the one cached value the derivative reads: Z at the kinks, A for sigmoid and tanh
  local reads = activations.backward_reads(layer)
  local read = (reads == "Z" and v.Z) or (reads == "A" and v.A) or nil
  product(buf, plan, {
    rows = layer.n_out, cols = batch, depth = next_layer.n_out,
    a = function(i, k) return string.format("%s[%s][%s]", v.W_next, k, i) end,
    b = function(k, j) return string.format("%s[%s][%s]", v.dZ_next, k, j) end,
    init = function() return emit.literal(0, plan.dtype) end,
    arrays = { { name = v.dZ }, read and { name = read, read_only = true } or nil },
    store = function(out, at, value)
      local element = read and at(read)
      out:line("%s = %s;", at(v.dZ), activations.backward(plan, layer, value, element, element))
    end,
    vector_writes = function(op, isa)
      if not activations.has_vector_form(layer) then
        return nil
      end
      local function keep_positive(z, delta) return isa.keep_positive(op, z, delta) end
      return { { name = v.dZ, value = function(sum, load)
        return activations.vector_backward(layer, sum, read and load(read), keep_positive)
      end } }
    end,
  })
end

---------------------------------------------------------------------------------------------------
-- Int8 inference (gen/q8/).

-- Z = W x + b of one sample in double (calibration): `p` holds the layer's tensors as flat lists
-- in <name>_params order (p.W row-major [unit][input], p.b).
function M.evaluate(layer, p, x)
  local z, n_in = {}, layer.n_in
  for r = 1, layer.n_out do
    local sum, base = p.b[r], (r - 1) * n_in
    for k = 1, n_in do
      sum = sum + p.W[base + k] * x[k]
    end
    z[r] = sum
  end
  return z
end

-- One sample: acc = B[r] + sum_k W[r][k] x[k] (the input's zero point folded into B,
-- gen/q8/code.lua) through the build's dot product, then the requantized, clamped store
-- (activations.q8_store). W is const int8 [unit][input], one contiguous row per unit.
-- Rows go in pairs through dot2 (one read of x for both on cores that unpack it), an odd last
-- row alone; on ARMv7E-M DSP cores rows go in fours through the kernel of gen/q8/rows.lua first.
function M.q8_emit(buf, ql, names, helpers, input, output)
  local tracked, name_called = q8_pairs.tracking(helpers)
  local function store(row, acc)
    buf:open("{")
    activations.q8_store(buf, ql, names, tracked, output .. "[" .. row .. "]", acc, row)
    buf:close()
  end
  local function pairs_from(first)
    local pairs_end = first + (ql.n_out - first) - (ql.n_out - first) % 2
    if pairs_end > first then
      buf:loop("r", first, pairs_end, 2)
      buf:line("int32_t sums[2];")
      buf:line("%s(%s[r], %s[r + 1], %s, %d, sums);", tracked.dot2(), names.W, names.W, input, ql.n_in)
      for k = 0, 1 do
        local row = k == 0 and "r" or "r + 1"
        buf:open("{")
        buf:line("const int32_t acc = %s[%s] + sums[%d];", names.B, row, k)
        activations.q8_store(buf, ql, names, tracked, output .. "[" .. row .. "]", "acc", row)
        buf:close()
      end
      buf:close()
    end
    if pairs_end < ql.n_out then
      local row = tostring(pairs_end)
      buf:open("{")
      buf:line("const int32_t acc = %s[%s] + %s(%s[%s], %s, %d);", names.B, row, tracked.dot(), names.W, row,
        input, ql.n_in)
      activations.q8_store(buf, ql, names, tracked, output .. "[" .. row .. "]", "acc", row)
      buf:close()
    end
  end
  -- every target but the pair kernel's: on ARMv7E-M DSP cores rows.lua's kernel for the rows in
  -- fours, then pairs
  local function others()
    if ql.n_out < q8_rows.ROWS then
      pairs_from(0)
      return
    end
    buf:line("#if defined(%s)", tracked.dsp_macro())
    local first = q8_rows.emit(buf, tracked, { rows = ql.n_out, length = ql.n_in, weights = names.W,
      bias = names.B, x = input, index = "r", store = store })
    pairs_from(first)
    -- the other targets' two-row dot product, which this branch may leave uncalled (a warning)
    buf:line("(void)&%s;", tracked.dot2())
    if ql.n_out >= q8_x86.ROWS then
      -- x86 with AVX2 (or a CPU that has it, in a build that dispatches): eight rows a pass
      q8_x86.branch(buf, tracked, "elif", { ql = ql, names = names, rows = ql.n_out, length = ql.n_in,
        x = input, index = "r", contiguous = function(row) return string.format("%s + %s", output, row) end,
        store = function(row, value, requantized)
          q8_x86.store(buf, ql, names, tracked, output .. "[" .. row .. "]", value, requantized, row)
        end }, pairs_from)
    end
    buf:line("#else")
    pairs_from(0)
    buf:line("#endif")
  end
  if not ql.pairs then
    others()
    return
  end
  -- little-endian ARMv7E-M DSP with gcc or clang: the pair kernel over the layer's stream
  -- (gen/q8/code.lua lays W out for it under the same condition)
  buf:line("#if !defined(%s)", helpers.pairs_macro())
  others()
  buf:line("#else")
  q8_pairs.emit(buf, helpers, { ql = ql, rows = ql.n_out, length = ql.n_in, weights = names.W, x = input,
    output = output, table = names.T, pairs_in = ql.pairs_in, pairs_out = ql.pairs_out })
  name_called(buf, { "dot", "dot2", "requantize", "scale", "offset", "clamp" })
  buf:line("#endif")
end

return M
