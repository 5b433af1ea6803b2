-- batch = 0.
return {
  name = "victim", input = 2, batch = 0, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
}
