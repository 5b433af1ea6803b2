-- A pooling window larger than its input.
return { name = "victim", input = { channels = 2, height = 3, width = 3 }, batch = 2, loss = "mse",
  layers = { { type = "avgpool2d", kernel = 4 }, { units = 1, activation = "linear" } } }
