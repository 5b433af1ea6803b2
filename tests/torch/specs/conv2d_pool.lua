-- 2-D convolution with padding 1, tanh, 2x2 max pooling, a sigmoid output; bce; momentum with
-- weight decay.
return {
  name = "conv2d_pool",
  input = { channels = 1, height = 6, width = 6 },
  batch = 3,
  layers = {
    { type = "conv2d", filters = 2, kernel = 3, padding = 1, activation = "tanh" },
    { type = "maxpool2d", kernel = 2 },
    { type = "flatten" },
    { units = 1, activation = "sigmoid" },
  },
  loss = "bce",
  dtype = "double",
  optimizer = { type = "momentum", lr = 0.05, beta = 0.9, weight_decay = 0.05 },
}
