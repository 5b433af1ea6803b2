-- every counts steps.
return {
  name = "victim", input = 2, batch = 4, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
  optimizer = { type = "sgd", schedule = { type = "step", every = 2.5 } },
}
