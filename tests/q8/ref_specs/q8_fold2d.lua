-- An int8 case for make check-q8-ref: batchnorm folded into conv2d layers (with and without a bias,
-- grouped, strided) and into a dense layer, each with another activation (relu clamp, leaky_relu
-- and tanh tables), average pooling, softmax last. The random families have no foldable pair
-- (their layers before a batchnorm are never linear with a bias that matters).
return {
  name = "q8_fold2d",
  input = { channels = 3, height = 6, width = 5 },
  batch = 2,
  layers = {
    { type = "conv2d", filters = 4, kernel = 3, padding = 1, activation = "linear" },
    { type = "batchnorm", activation = "relu" },
    { type = "conv2d", filters = 4, kernel = { 2, 3 }, stride = { 1, 2 }, groups = 2, bias = false,
      activation = "linear" },
    { type = "batchnorm", activation = "leaky_relu", alpha = 0.2 },
    { type = "avgpool2d", kernel = 2, stride = 1 },
    { type = "flatten" },
    { units = 6, activation = "linear" },
    { type = "batchnorm", activation = "tanh" },
    { units = 3, activation = "softmax" },
  },
  loss = "ce",
}
