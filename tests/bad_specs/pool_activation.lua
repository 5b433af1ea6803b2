-- Pooling layers take no activation.
return { name = "victim", input = { channels = 1, length = 10 }, batch = 2, loss = "mse",
  layers = { { type = "maxpool1d", kernel = 2, activation = "relu" }, { units = 1, activation = "linear" } } }
