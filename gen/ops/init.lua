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

local function weight_draw(scheme, layer, dtype)
  local suffix = dtype == "float" and "f" or ""
  local scale = function(x)
    return dtype == "float" and emit.literal(nearest_float(x), "float") or emit.literal(x, "double")
  end
  if scheme == "xavier" then
    local r = math.sqrt(6 / (layer.n_in + layer.n_out))
    return string.format("%s * gradc_rng_symmetric%s(&state)", scale(r), suffix),
      string.format("U(-r, r), r = sqrt(6 / (%d + %d)) (xavier)", layer.n_in, layer.n_out)
  elseif scheme == "he" then
    local std = math.sqrt(2 / layer.n_in)
    return string.format("%s * gradc_rng_normal%s(&state)", scale(std), suffix),
      string.format("N(0, 2 / %d) (he)", layer.n_in)
  end
  return string.format("%s * gradc_rng_symmetric%s(&state)", scale(0.05), suffix),
    "U(-0.05, 0.05) (uniform)"
end

-- Body of `<name>_init(p, seed)`.
function M.body(buf, plan)
  local scheme = plan.model.init.scheme
  buf:line("uint64_t state = gradc_rng_seed(seed);")
  for _, layer in ipairs(plan.layers) do
    local draw, description = weight_draw(scheme, layer, plan.dtype)
    buf:line("")
    buf:line("/* layer %d: %s ~ %s; %s = 0 */", layer.index, layer.W, description, layer.b)
    buf:loop("r", 0, layer.n_out)
    buf:loop("k", 0, layer.n_in)
    buf:line("p->%s[r][k] = (%s)(%s);", layer.W, plan.real, draw)
    buf:close()
    buf:line("p->%s[r] = %s;", layer.b, emit.literal(0, plan.dtype))
    buf:close()
  end
end

return M
