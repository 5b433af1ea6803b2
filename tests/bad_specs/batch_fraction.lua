-- batch = 3.5.
return {
  name = "victim", input = 2, batch = 3.5, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
}
