-- Momentum's `beta` given to adam.
return {
  name = "victim", input = 2, batch = 4, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
  optimizer = { type = "adam", lr = 0.01, beta = 0.9 },
}
