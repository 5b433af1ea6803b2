-- Batch statistics need two values per channel: a flat input at batch 1 has one.
return { name = "victim", input = 4, batch = 1, loss = "mse",
  layers = { { type = "batchnorm" }, { units = 1, activation = "linear" } } }
