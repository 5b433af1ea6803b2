-- Tensor shapes between layers. A shape is flat, { features = n }, or spatial,
-- { channels = C, dims = { L } } (1-D) or { channels = C, dims = { H, W } } (2-D). Every layer's
-- output is laid out like X: features x m, in flatten order, (c*H + y)*W + x for an image.
local M = {}

function M.flat(features)
  return { features = features }
end

function M.spatial(channels, dims)
  return { channels = channels, dims = dims }
end

function M.is_spatial(shape)
  return shape.dims ~= nil
end

-- The product of sizes: an exact integer while it stays within 2^53, else the float product. A
-- spec may give sizes such as 2^24 cubed: 64-bit integers would wrap around (to 0, or to a small
-- count that passes every limit), the float stays too large for all of them.
local EXACT = 1 << 53

function M.product(...)
  local exact, approximate = 1, 1.0
  for i = 1, select("#", ...) do
    local factor = select(i, ...)
    approximate = approximate * factor
    exact = exact * factor
  end
  if approximate > EXACT then
    return approximate
  end
  return exact
end

-- Positions per channel (1 for a flat shape).
function M.positions(shape)
  return M.product(table.unpack(shape.dims or {}))
end

function M.features(shape)
  if shape.dims then
    return M.product(shape.channels, M.positions(shape))
  end
  return shape.features
end

-- "8x8x8" (channels x height x width), "40x49", or "64".
function M.text(shape)
  if shape.dims then
    return shape.channels .. "x" .. table.concat(shape.dims, "x")
  end
  return tostring(shape.features)
end

-- As a 2-D image: channels, height, width (a 1-D signal is one row; a flat shape is n channels of
-- one position, which is how batchnorm sees a flat input).
function M.as_image(shape)
  if not shape.dims then
    return shape.features, 1, 1
  elseif #shape.dims == 1 then
    return shape.channels, 1, shape.dims[1]
  end
  return shape.channels, shape.dims[1], shape.dims[2]
end

return M
