-- Weight initialization (CONTRACT.md section 2, `init`), drawn from the runtime's seeded generator
-- in parameter order; biases start at 0.
--   xavier:  W ~ U(-r, r), r = sqrt(6 / (n_in + n_out))
--   he:      W ~ N(0, 2 / n_in)
--   uniform: W ~ U(-0.05, 0.05)
local emit = require("emit")

local M = {}

local function weight_draw(scheme, layer)
  if scheme == "xavier" then
    local r = math.sqrt(6 / (layer.n_in + layer.n_out))
    return string.format("%s * gradc_rng_symmetric(&state)", emit.literal(r, "double")),
      string.format("U(-r, r), r = sqrt(6 / (%d + %d)) (xavier)", layer.n_in, layer.n_out)
  elseif scheme == "he" then
    local std = math.sqrt(2 / layer.n_in)
    return string.format("%s * gradc_rng_normal(&state)", emit.literal(std, "double")),
      string.format("N(0, 2 / %d) (he)", layer.n_in)
  end
  return "0.05 * gradc_rng_symmetric(&state)", "U(-0.05, 0.05) (uniform)"
end

-- Body of `<name>_init(p, seed)`.
function M.body(buf, plan)
  local scheme = plan.model.init.scheme
  buf:line("uint64_t state = gradc_rng_seed(seed);")
  for _, layer in ipairs(plan.layers) do
    local draw, description = weight_draw(scheme, layer)
    buf:line("")
    buf:line("/* layer %d: %s ~ %s; %s = 0 */", layer.index, layer.W, description, layer.b)
    buf:open("for (int r = 0; r < %d; ++r) {", layer.n_out)
    buf:open("for (int k = 0; k < %d; ++k) {", layer.n_in)
    buf:line("p->%s[r][k] = (%s)(%s);", layer.W, plan.real, draw)
    buf:close()
    buf:line("p->%s[r] = %s;", layer.b, emit.literal(0, plan.dtype))
    buf:close()
  end
end

return M
