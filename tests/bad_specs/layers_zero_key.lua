-- A layer at index 0.
return {
  name = "victim", input = 2, batch = 4, loss = "bce",
  layers = { [0] = { units = 3, activation = "tanh" }, { units = 1, activation = "sigmoid" } },
}
