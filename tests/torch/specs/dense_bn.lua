-- Batchnorm after a dense layer (statistics over the batch only, N = m) with its own eps and
-- momentum and a tanh; bce; adam with weight decay.
return {
  name = "dense_bn",
  input = 5,
  batch = 8,
  layers = {
    { units = 6, activation = "linear" },
    { type = "batchnorm", eps = 1e-3, momentum = 0.2, activation = "tanh" },
    { units = 1, activation = "sigmoid" },
  },
  loss = "bce",
  dtype = "double",
  optimizer = { type = "adam", lr = 0.01, weight_decay = 0.01 },
}
