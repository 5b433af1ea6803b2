-- `beta_2` for `beta2`.
return {
  name = "victim", input = 2, batch = 4, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
  optimizer = { type = "adam", beta_2 = 0.99 },
}
