-- 1e-50 is 0 in float.
return {
  name = "victim", input = 2, batch = 4, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
  optimizer = { type = "sgd", schedule = { type = "step", every = 10, gamma = 1e-50 } },
}
