-- units = 0: a layer needs at least one unit.
return {
  name = "victim", input = 2, batch = 4, loss = "bce",
  layers = { { units = 0, activation = "tanh" }, { units = 1, activation = "sigmoid" } },
}
