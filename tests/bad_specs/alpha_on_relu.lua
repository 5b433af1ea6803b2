-- alpha on relu: only leaky_relu has a slope.
return {
  name = "victim", input = 2, batch = 4, loss = "bce",
  layers = { { units = 3, activation = "relu", alpha = 0.1 }, { units = 1, activation = "sigmoid" } },
}
