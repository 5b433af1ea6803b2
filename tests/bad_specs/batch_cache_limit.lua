-- The largest batch with a 129-unit layer: 2 * 129 * 2^20 activations, one layer past the cache limit.
return {
  name = "victim", input = 1, batch = 1048576, loss = "mse",
  layers = { { units = 129, activation = "relu" } },
}
