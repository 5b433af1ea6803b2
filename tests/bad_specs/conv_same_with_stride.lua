-- "same" padding is defined for stride 1 only.
return { name = "victim", input = { channels = 1, length = 10 }, batch = 2, loss = "mse",
  layers = { { type = "conv1d", filters = 2, kernel = 3, stride = 2, padding = "same", activation = "relu" }, { units = 1, activation = "linear" } } }
