-- A loss given as a number.
return {
  name = "victim", input = 2, batch = 4, loss = 0,
  layers = { { units = 1, activation = "sigmoid" } },
}
