-- step decay needs its interval.
return {
  name = "victim", input = 2, batch = 4, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
  optimizer = { type = "sgd", schedule = { type = "step", gamma = 0.5 } },
}
