-- 1-D convolution, relu, max pooling, flatten into a dense layer; mse; sgd with weight decay.
return {
  name = "conv1d_pool",
  input = { channels = 2, length = 12 },
  batch = 4,
  layers = {
    { type = "conv1d", filters = 3, kernel = 3, activation = "relu" },
    { type = "maxpool1d", kernel = 2 },
    { type = "flatten" },
    { units = 2, activation = "linear" },
  },
  loss = "mse",
  dtype = "double",
  optimizer = { type = "sgd", lr = 0.05, weight_decay = 0.01 },
}
