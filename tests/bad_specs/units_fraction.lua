-- units = 2.5: not an integer.
return {
  name = "victim", input = 2, batch = 4, loss = "bce",
  layers = { { units = 2.5, activation = "tanh" }, { units = 1, activation = "sigmoid" } },
}
