-- momentum beta = 1: the interval is [0, 1).
return {
  name = "victim", input = 2, batch = 4, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
  optimizer = { type = "momentum", lr = 0.01, beta = 1 },
}
