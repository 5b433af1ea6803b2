-- `unit` for `units`.
return {
  name = "victim", input = 2, batch = 4, loss = "bce",
  layers = { { unit = 3, activation = "tanh" }, { units = 1, activation = "sigmoid" } },
}
