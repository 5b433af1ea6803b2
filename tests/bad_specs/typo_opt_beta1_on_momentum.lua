-- Adam's `beta1` given to momentum.
return {
  name = "victim", input = 2, batch = 4, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
  optimizer = { type = "momentum", lr = 0.01, beta1 = 0.9 },
}
