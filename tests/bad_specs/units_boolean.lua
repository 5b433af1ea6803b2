-- units = true.
return {
  name = "victim", input = 2, batch = 4, loss = "bce",
  layers = { { units = true, activation = "tanh" }, { units = 1, activation = "sigmoid" } },
}
