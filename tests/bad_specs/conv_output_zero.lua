-- A kernel wider than the padded input: the output would have no columns.
return { name = "victim", input = { channels = 1, height = 8, width = 4 }, batch = 2, loss = "mse",
  layers = { { type = "conv2d", filters = 2, kernel = { 3, 7 }, activation = "relu" }, { units = 1, activation = "linear" } } }
