-- seed = -1: seeds are uint32_t.
return {
  name = "victim", input = 2, batch = 4, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
  init = { scheme = "uniform", seed = -1 },
}
