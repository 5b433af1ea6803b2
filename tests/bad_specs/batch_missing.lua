-- No batch.
return {
  name = "victim", input = 2, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
}
