-- A small softmax classifier (iris-sized: 4 features, 3 classes) with categorical cross-entropy.
return {
  name = "softmax",
  input = 4,
  batch = 16,
  layers = {
    { units = 16, activation = "leaky_relu", alpha = 0.05 },
    { units = 3, activation = "softmax" },
  },
  loss = "ce",
  dtype = "double",
  optimizer = { type = "adam", lr = 0.01 },
  init = { scheme = "xavier", seed = 42 },
}
