-- Weight initialization (docs/math.md, `init`), drawn from the runtime's seeded generator
-- in parameter order; biases start at 0.
--   xavier:  W ~ U(-r, r), r = sqrt(6 / (n_in + n_out))
--   he:      W ~ N(0, 2 / n_in)
--   uniform: W ~ U(-0.05, 0.05)
-- A double model draws in double (gradc_rng_symmetric, gradc_rng_normal: libm's log and cos). A
-- float model draws with the runtime's float draws (gradc_rng_symmetricf, gradc_rng_normalf:
-- integers and exact float operations, no libm, the same bits everywhere), and the scale is the
-- float nearest the double r or std, written exactly, so that w = scale * draw is one float
-- multiplication (what tests/ref computes too).
local emit = require("emit")

local M = {}

local function nearest_float(value)
  return (string.unpack("<f", string.pack("<f", value)))
end

local function weight_draw(scheme, fan_in, fan_out, dtype)
  local suffix = dtype == "float" and "f" or ""
  local scale = function(x)
    return dtype == "float" and emit.literal(nearest_float(x), "float") or emit.literal(x, "double")
  end
  if scheme == "xavier" then
    local r = math.sqrt(6 / (fan_in + fan_out))
    return string.format("%s * gradc_rng_symmetric%s(&state)", scale(r), suffix),
      string.format("U(-r, r), r = sqrt(6 / (%d + %d)) (xavier)", fan_in, fan_out)
  elseif scheme == "he" then
    local std = math.sqrt(2 / fan_in)
    return string.format("%s * gradc_rng_normal%s(&state)", scale(std), suffix),
      string.format("N(0, 2 / %d) (he)", fan_in)
  end
  return string.format("%s * gradc_rng_symmetric%s(&state)", scale(0.05), suffix),
    "U(-0.05, 0.05) (uniform)"
end

local INDEX_NAMES = { { "r" }, { "r", "k" }, { "r", "q", "k" }, { "r", "q", "i", "k" } }

-- One tensor filled element by element with `value` (a C expression of the model's type).
local function fill(buf, plan, tensor, value)
  local names = INDEX_NAMES[#tensor.dims]
  for d, size in ipairs(tensor.dims) do
    buf:loop(names[d], 0, size)
  end
  buf:line("p->%s[%s] = %s;", tensor.name, table.concat(names, "]["), value)
  for _ = 1, #tensor.dims do
    buf:close()
  end
end

-- Body of `<name>_init(p, seed)`.
function M.body(buf, plan)
  local scheme = plan.model.init.scheme
  local draws = false
  for _, layer in ipairs(plan.layers) do
    for _, tensor in ipairs(layer.tensors) do
      draws = draws or layer.kind == "dense" or tensor.init == "weight"
    end
  end
  if draws then
    buf:line("uint64_t state = gradc_rng_seed(seed);")
  else
    buf:line("(void)seed; /* no layer draws random weights: every tensor starts at 0 or 1 */")
  end
  for _, layer in ipairs(plan.layers) do
    if layer.kind == "dense" then
      local draw, description = weight_draw(scheme, layer.n_in, layer.n_out, plan.dtype)
      buf:line("")
      buf:line("/* layer %d: %s ~ %s; %s = 0 */", layer.index, layer.W, description, layer.b)
      buf:loop("r", 0, layer.n_out)
      buf:loop("k", 0, layer.n_in)
      buf:line("p->%s[r][k] = (%s)(%s);", layer.W, plan.real, draw)
      buf:close()
      buf:line("p->%s[r] = %s;", layer.b, emit.literal(0, plan.dtype))
      buf:close()
    elseif #layer.tensors > 0 then
      buf:line("")
      local parts = {}
      for _, tensor in ipairs(layer.tensors) do
        if tensor.init == "weight" then
          local _, description = weight_draw(scheme, tensor.fan_in, tensor.fan_out, plan.dtype)
          parts[#parts + 1] = tensor.name .. " ~ " .. description
        else
          parts[#parts + 1] = tensor.name .. " = " .. (tensor.init == "one" and "1" or "0")
        end
      end
      buf:line("/* layer %d: %s */", layer.index, table.concat(parts, "; "))
      for _, tensor in ipairs(layer.tensors) do
        if tensor.init == "weight" then
          local draw = weight_draw(scheme, tensor.fan_in, tensor.fan_out, plan.dtype)
          fill(buf, plan, tensor, string.format("(%s)(%s)", plan.real, draw))
        else
          fill(buf, plan, tensor, emit.literal(tensor.init == "one" and 1 or 0, plan.dtype))
        end
      end
    end
  end
end

return M
