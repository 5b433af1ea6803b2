-- The dtype as a bit width.
return {
  name = "victim", input = 2, batch = 4, loss = "bce", dtype = 64,
  layers = { { units = 1, activation = "sigmoid" } },
}
