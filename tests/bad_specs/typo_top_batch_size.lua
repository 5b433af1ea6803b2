-- `batch_size` for `batch`: too far from any field for a guess.
return {
  name = "victim", input = 2, batch_size = 4, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
}
