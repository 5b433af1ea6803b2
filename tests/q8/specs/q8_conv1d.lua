-- int8 test net (tests/q8): conv1d with "same" padding and dilation, a standalone batchnorm after
-- a tanh conv, max and average pools, a strided grouped conv without bias whose batchnorm folds
-- into it (leaky_relu through a table), flatten, softmax.
return {
  name = "q8_conv1d",
  input = { channels = 2, length = 16 },
  batch = 8,
  layers = {
    { type = "conv1d", filters = 4, kernel = 3, padding = "same", dilation = 2, activation = "tanh" },
    { type = "batchnorm", activation = "relu" },
    { type = "maxpool1d", kernel = 2 },
    { type = "conv1d", filters = 4, kernel = 3, stride = 2, groups = 2, bias = false, activation = "linear" },
    { type = "batchnorm", activation = "leaky_relu", alpha = 0.1 },
    { type = "avgpool1d", kernel = 3, stride = 1 },
    { type = "flatten" },
    { units = 3, activation = "softmax" },
  },
  loss = "ce",
  optimizer = { type = "adam", lr = 0.01 },
  init = { scheme = "he", seed = 7 },
}
