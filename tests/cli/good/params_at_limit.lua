-- Exactly 16,777,216 parameters (4096 * 4095 weights + 4096 biases): the largest network allowed.
return {
  name = "params_at_limit",
  input = 4095,
  batch = 1,
  layers = { { units = 4096, activation = "linear" } },
  loss = "mse",
}
