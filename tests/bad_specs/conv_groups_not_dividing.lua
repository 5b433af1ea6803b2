-- groups must divide the input channels and the filters.
return { name = "victim", input = { channels = 3, length = 10 }, batch = 2, loss = "mse",
  layers = { { type = "conv1d", filters = 4, kernel = 3, groups = 2, activation = "relu" }, { units = 1, activation = "linear" } } }
