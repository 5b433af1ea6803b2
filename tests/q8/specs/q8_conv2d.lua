-- int8 test net (tests/q8): conv2d with padding, a depthwise "same" conv without bias (sigmoid
-- table), average and max pools, a strided, dilated conv with a rectangular kernel and its folded
-- batchnorm, global average pooling, a standalone batchnorm after it, a linear dense output.
return {
  name = "q8_conv2d",
  input = { channels = 2, height = 7, width = 7 },
  batch = 8,
  layers = {
    { type = "conv2d", filters = 4, kernel = 3, padding = 1, activation = "relu" },
    { type = "conv2d", filters = 4, kernel = 3, groups = 4, padding = "same", bias = false, activation = "sigmoid" },
    { type = "avgpool2d", kernel = 2, stride = 1 },
    { type = "maxpool2d", kernel = { 2, 1 } },
    { type = "conv2d", filters = 6, kernel = { 2, 3 }, stride = { 1, 2 }, dilation = { 1, 2 }, padding = { 1, 2 }, activation = "linear" },
    { type = "batchnorm", activation = "tanh" },
    { type = "global_avgpool" },
    { type = "batchnorm" },
    { units = 2, activation = "linear" },
  },
  loss = "mse",
  optimizer = { type = "adam", lr = 0.01 },
  init = { scheme = "he", seed = 11 },
}
