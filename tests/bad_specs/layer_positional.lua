-- A layer written positionally.
return {
  name = "victim", input = 2, batch = 4, loss = "bce",
  layers = { { 3, "tanh" }, { units = 1, activation = "sigmoid" } },
}
