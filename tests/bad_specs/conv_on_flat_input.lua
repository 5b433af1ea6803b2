-- conv2d needs an image; a plain feature count is not one.
return { name = "victim", input = 64, batch = 2, loss = "mse",
  layers = { { type = "conv2d", filters = 2, kernel = 3, activation = "relu" }, { units = 1, activation = "linear" } } }
