-- A network that only flattens computes nothing.
return { name = "victim", input = { channels = 1, length = 8 }, batch = 2, loss = "mse",
  layers = { { type = "flatten" } } }
