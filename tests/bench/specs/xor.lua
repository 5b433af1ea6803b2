-- Benchmark net: XOR-sized, 2 -> 4 -> 1, sigmoid/sigmoid, binary cross-entropy.
return {
  name = "xor",
  input = 2,
  batch = 4,
  layers = {
    { units = 4, activation = "sigmoid" },
    { units = 1, activation = "sigmoid" },
  },
  loss = "bce",
  dtype = "float",
  optimizer = { type = "sgd", lr = 0.01 },
  init = { scheme = "xavier", seed = 7 },
  unroll = "auto",
}
