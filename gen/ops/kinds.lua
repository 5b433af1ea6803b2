-- The layer kinds other than dense, by type: each module validates its fields (spec.lua calls
-- `validate`) and emits its forward pass, its backward pass and a one-line description. Dense
-- layers, with their tiled products, unrolled code and fused SGD, are ops/dense.lua's, which the
-- coder calls directly.
local batchnorm = require("ops.batchnorm")
local conv = require("ops.conv")
local pool = require("ops.pool")
local standardize = require("ops.standardize")

return {
  conv1d = conv, conv2d = conv,
  maxpool1d = pool, avgpool1d = pool, maxpool2d = pool, avgpool2d = pool, global_avgpool = pool,
  batchnorm = batchnorm, standardize = standardize,
}
