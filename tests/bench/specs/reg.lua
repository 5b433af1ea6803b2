-- Benchmark net: seed 002's regression MLP, 8 -> 64 -> 64 -> 1, relu/relu/linear, mse.
return {
  name = "reg",
  input = 8,
  batch = 32,
  layers = {
    { units = 64, activation = "relu" },
    { units = 64, activation = "relu" },
    { units = 1, activation = "linear" },
  },
  loss = "mse",
  dtype = "float",
  optimizer = { type = "sgd", lr = 0.01 },
  init = { scheme = "he", seed = 2 },
  unroll = "auto",
}
