-- int8 test net (tests/q8): dense layers with a batchnorm first (standalone), one folded into a
-- linear dense layer (tanh table), one standalone after a sigmoid layer, leaky_relu through a
-- table, a linear output.
return {
  name = "q8_dense",
  input = 5,
  batch = 8,
  layers = {
    { type = "batchnorm" },
    { units = 8, activation = "linear" },
    { type = "batchnorm", activation = "tanh" },
    { units = 6, activation = "sigmoid" },
    { type = "batchnorm", activation = "relu" },
    { units = 4, activation = "leaky_relu" },
    { units = 3, activation = "linear" },
  },
  loss = "mse",
  optimizer = { type = "adam", lr = 0.01 },
  init = { scheme = "he", seed = 5 },
}
