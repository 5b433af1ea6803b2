-- alpha as a string.
return {
  name = "victim", input = 2, batch = 4, loss = "bce",
  layers = { { units = 3, activation = "leaky_relu", alpha = "0.1" }, { units = 1, activation = "sigmoid" } },
}
