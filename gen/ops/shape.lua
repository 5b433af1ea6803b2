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

-- Positions per channel (1 for a flat shape).
function M.positions(shape)
  local count = 1
  for _, d in ipairs(shape.dims or {}) do
    count = count * d
  end
  return count
end

function M.features(shape)
  if shape.dims then
    return shape.channels * M.positions(shape)
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
