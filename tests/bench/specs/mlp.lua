-- Benchmark net: an MNIST-sized classifier, 784 -> 128 -> 64 -> 10, relu/relu/softmax, ce.
return {
  name = "mlp",
  input = 784,
  batch = 32,
  layers = {
    { units = 128, activation = "relu" },
    { units = 64, activation = "relu" },
    { units = 10, activation = "softmax" },
  },
  loss = "ce",
  dtype = "float",
  optimizer = { type = "sgd", lr = 0.01 },
  init = { scheme = "he", seed = 11 },
  unroll = "auto",
}
