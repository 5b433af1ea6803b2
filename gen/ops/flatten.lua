-- flatten: the input's features as a flat vector. The layout is already features x m in flatten
-- order, so nothing moves: the plan drops the layer and the next one reads the same array.
local shape = require("ops.shape")

local M = {}

function M.validate(ck, raw, ctx)
  ck:known_fields(raw, ctx.path, { "type" })
  return { kind = "flatten", in_shape = ctx.in_shape, out_shape = shape.flat(shape.features(ctx.in_shape)),
    params = 0, activation = "linear" }
end

return M
