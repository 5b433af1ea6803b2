-- units = 2^63: integral, but outside the integer range.
return {
  name = "victim", input = 2, batch = 4, loss = "bce",
  layers = { { units = 2^63, activation = "tanh" }, { units = 1, activation = "sigmoid" } },
}
