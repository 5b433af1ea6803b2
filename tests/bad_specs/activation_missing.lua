-- No activation.
return {
  name = "victim", input = 2, batch = 4, loss = "bce",
  layers = { { units = 3 }, { units = 1, activation = "sigmoid" } },
}
