-- input = 0.
return {
  name = "victim", input = 0, batch = 4, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
}
