-- lr = 0: must be > 0.
return {
  name = "victim", input = 2, batch = 4, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
  optimizer = { type = "sgd", lr = 0 },
}
