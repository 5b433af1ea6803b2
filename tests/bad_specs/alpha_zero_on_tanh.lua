-- alpha = 0 on tanh: even a harmless alpha is an error there.
return {
  name = "victim", input = 2, batch = 4, loss = "bce",
  layers = { { units = 3, activation = "tanh", alpha = 0 }, { units = 1, activation = "sigmoid" } },
}
