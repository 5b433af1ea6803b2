-- The dense layer Z = W A_prev + b: its forward pass, the gradients of its parameters, and the
-- propagation of dZ to the layer below. Each comes in two shapes: `full` (one statement per output
-- element, every index a constant) and `loops` (constant-bound loops over the contiguous batch
-- dimension in the innermost position, so the compiler can vectorize them).
--
-- `v` names the arrays as C expressions: v.W, v.b, v.Z, v.A, v.A_prev, v.dZ, v.dZ_next, v.W_next,
-- v.dW, v.db; all 2-D arrays are indexed [unit][sample].
local activations = require("ops.activations")
local emit = require("emit")

local M = {}

local TERMS_PER_LINE = 3

-- "lhs = t1 + t2 + ...;" wrapped a few terms per line so unrolled code stays readable.
local function sum_statement(buf, lhs, terms, wrap)
  local head = lhs .. " = "
  if #terms <= TERMS_PER_LINE then
    buf:line("%s%s;", head, wrap and wrap(table.concat(terms, " + ")) or table.concat(terms, " + "))
    return
  end
  local chunks = {}
  for i = 1, #terms, TERMS_PER_LINE do
    chunks[#chunks + 1] = table.concat(terms, " + ", i, math.min(i + TERMS_PER_LINE - 1, #terms))
  end
  local body = table.concat(chunks, "\n" .. string.rep("    ", buf.depth + 1) .. "+ ")
  buf:line("%s%s;", head, wrap and wrap(body) or body)
end

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

-- Rank-1 update order: Z[r][:] += W[r][k] * A_prev[k][:], the batch dimension innermost.
local function forward_loops(buf, plan, layer, v, batch)
  buf:open("for (int r = 0; r < %d; ++r) {", layer.n_out)
  buf:open("for (int j = 0; j < %d; ++j) {", batch)
  buf:line("%s[r][j] = %s[r];", v.Z, v.b)
  buf:close()
  buf:open("for (int k = 0; k < %d; ++k) {", layer.n_in)
  buf:line("const %s w = %s[r][k];", plan.real, v.W)
  buf:open("for (int j = 0; j < %d; ++j) {", batch)
  buf:line("%s[r][j] += w * %s[k][j];", v.Z, v.A_prev)
  buf:close()
  buf:close()
  buf:close()
end

local function activate(buf, plan, layer, v, batch, mode)
  if layer.activation == "softmax" then
    activations.softmax(buf, plan, layer, v.Z, v.A, batch)
  elseif not layer.has_A then
    return
  elseif mode == "full" then
    for r = 0, layer.n_out - 1 do
      for j = 0, batch - 1 do
        local z = string.format("%s[%d][%d]", v.Z, r, j)
        buf:line("%s[%d][%d] = %s;", v.A, r, j, activations.forward(plan, layer, z))
      end
    end
  else
    buf:open("for (int r = 0; r < %d; ++r) {", layer.n_out)
    buf:open("for (int j = 0; j < %d; ++j) {", batch)
    buf:line("%s[r][j] = %s;", v.A, activations.forward(plan, layer, v.Z .. "[r][j]"))
    buf:close()
    buf:close()
  end
end

function M.forward(buf, plan, layer, v, batch, mode)
  if mode == "full" then
    forward_full(buf, layer, v, batch)
  else
    forward_loops(buf, plan, layer, v, batch)
  end
  activate(buf, plan, layer, v, batch, mode)
end

-- dW = dZ A_prev^T and db = row sums of dZ (the 1/m is already inside dZ).
function M.parameter_gradients(buf, plan, layer, v, batch, mode)
  if mode == "full" then
    for r = 0, layer.n_out - 1 do
      for k = 0, layer.n_in - 1 do
        local terms = {}
        for j = 0, batch - 1 do
          terms[#terms + 1] = string.format("%s[%d][%d] * %s[%d][%d]", v.dZ, r, j, v.A_prev, k, j)
        end
        sum_statement(buf, string.format("%s[%d][%d]", v.dW, r, k), terms)
      end
      local terms = {}
      for j = 0, batch - 1 do
        terms[#terms + 1] = string.format("%s[%d][%d]", v.dZ, r, j)
      end
      sum_statement(buf, string.format("%s[%d]", v.db, r), terms)
    end
    return
  end
  local zero = emit.literal(0, plan.dtype)
  buf:open("for (int r = 0; r < %d; ++r) {", layer.n_out)
  buf:line("%s row_sum = %s;", plan.real, zero)
  buf:open("for (int j = 0; j < %d; ++j) {", batch)
  buf:line("row_sum += %s[r][j];", v.dZ)
  buf:close()
  buf:line("%s[r] = row_sum;", v.db)
  buf:open("for (int k = 0; k < %d; ++k) {", layer.n_in)
  buf:line("%s dot = %s;", plan.real, zero)
  buf:open("for (int j = 0; j < %d; ++j) {", batch)
  buf:line("dot += %s[r][j] * %s[k][j];", v.dZ, v.A_prev)
  buf:close()
  buf:line("%s[r][k] = dot;", v.dW)
  buf:close()
  buf:close()
end

-- dZ of `layer` from the layer above it: dZ = (W_next^T dZ_next) * g'(Z).
-- `next_layer` gives the shape of W_next (n_out x layer.n_out) and the unroll mode.
function M.propagate(buf, plan, layer, next_layer, v, batch)
  if next_layer.unroll == "full" then
    for k = 0, layer.n_out - 1 do
      for j = 0, batch - 1 do
        local terms = {}
        for r = 0, next_layer.n_out - 1 do
          terms[#terms + 1] = string.format("%s[%d][%d] * %s[%d][%d]", v.W_next, r, k, v.dZ_next, r, j)
        end
        local z = string.format("%s[%d][%d]", v.Z, k, j)
        local a = string.format("%s[%d][%d]", v.A, k, j)
        sum_statement(buf, string.format("%s[%d][%d]", v.dZ, k, j), terms, function(sum)
          return activations.backward(plan, layer, sum, z, a)
        end)
      end
    end
    return
  end
  buf:open("for (int k = 0; k < %d; ++k) {", layer.n_out)
  buf:open("for (int j = 0; j < %d; ++j) {", batch)
  buf:line("%s[k][j] = %s;", v.dZ, emit.literal(0, plan.dtype))
  buf:close()
  buf:close()
  buf:open("for (int r = 0; r < %d; ++r) {", next_layer.n_out)
  buf:open("for (int k = 0; k < %d; ++k) {", layer.n_out)
  buf:line("const %s w = %s[r][k];", plan.real, v.W_next)
  buf:open("for (int j = 0; j < %d; ++j) {", batch)
  buf:line("%s[k][j] += w * %s[r][j];", v.dZ, v.dZ_next)
  buf:close()
  buf:close()
  buf:close()
  if layer.activation ~= "linear" then
    buf:open("for (int k = 0; k < %d; ++k) {", layer.n_out)
    buf:open("for (int j = 0; j < %d; ++j) {", batch)
    buf:line("%s[k][j] = %s;", v.dZ, activations.backward(plan, layer, v.dZ .. "[k][j]",
      v.Z .. "[k][j]", v.A .. "[k][j]"))
    buf:close()
    buf:close()
  end
end

return M
