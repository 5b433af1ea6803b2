-- int8 test net (tests/q8): a plain MLP (relu, a linear hidden layer, a relu output), the
-- dense-only shape whose error bound tests/q8/error_bound.py derives.
return {
  name = "q8_mlp",
  input = 5,
  batch = 8,
  layers = {
    { units = 16, activation = "relu" },
    { units = 12, activation = "linear" },
    { units = 3, activation = "relu" },
  },
  loss = "mse",
  optimizer = { type = "adam", lr = 0.01 },
  init = { scheme = "he", seed = 5 },
}
