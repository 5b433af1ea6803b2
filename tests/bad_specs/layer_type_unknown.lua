-- A layer type gradc does not have.
return { name = "victim", input = { channels = 1, length = 8 }, batch = 2, loss = "mse",
  layers = { { type = "conv3d", filters = 1, kernel = 1, activation = "relu" }, { units = 1, activation = "linear" } } }
