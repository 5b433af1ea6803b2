-- Seed 001 (deep-network-3-layer.md): L = 3 dense layers, ReLU hidden layers, sigmoid output,
-- binary cross-entropy, so dZ3 = (1/m)(A3 - Y).
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
  init = { scheme = "he", seed = 3 },
  optimizer = { type = "sgd", lr = 0.01 },
}
