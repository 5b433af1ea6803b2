-- units = -inf.
return {
  name = "victim", input = 2, batch = 4, loss = "bce",
  layers = { { units = -math.huge, activation = "tanh" }, { units = 1, activation = "sigmoid" } },
}
