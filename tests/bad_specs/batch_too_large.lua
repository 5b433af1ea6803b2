-- batch = 2^20 + 1: above the batch limit.
return {
  name = "victim", input = 2, batch = 1048577, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
}
