-- input = 0.5.
return {
  name = "victim", input = 0.5, batch = 4, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
}
