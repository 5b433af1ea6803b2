-- Benchmark net: seed 001's 3-layer network, 16 -> 32 -> 16 -> 1, relu/relu/sigmoid, bce.
return {
  name = "seed3",
  input = 16,
  batch = 64,
  layers = {
    { units = 32, activation = "relu" },
    { units = 16, activation = "relu" },
    { units = 1, activation = "sigmoid" },
  },
  loss = "bce",
  dtype = "float",
  optimizer = { type = "sgd", lr = 0.01 },
  init = { scheme = "he", seed = 3 },
  unroll = "auto",
}
