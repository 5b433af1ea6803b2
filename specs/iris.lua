-- Iris (Fisher; data/iris.csv): 4 measurements -> 3 species. 120 training flowers
-- after the 20% hold-out, so one small ReLU layer is plenty; softmax + cross-entropy, Adam.
-- Train: make train SPEC=specs/iris.lua DATA=data/iris.csv
return {
  name = "iris",
  input = 4,
  batch = 16,
  layers = {
    { units = 16, activation = "relu" },
    { units = 3, activation = "softmax" },
  },
  loss = "ce",
  optimizer = { type = "adam", lr = 0.01, beta1 = 0.9, beta2 = 0.999, eps = 1e-8 },
  init = { scheme = "he", seed = 11 },
}
