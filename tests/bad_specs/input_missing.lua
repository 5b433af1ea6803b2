-- No input.
return {
  name = "victim", batch = 4, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
}
