-- a negative rate ascends.
return {
  name = "victim", input = 2, batch = 4, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
  optimizer = { type = "adam", schedule = { type = "cosine", steps = 100, min_lr = -1e-4 } },
}
