-- The largest batch, and exactly 2^28 cached activations (2 * 128 * 2^20).
return {
  name = "batch_at_limit",
  input = 1,
  batch = 1048576,
  layers = { { units = 128, activation = "relu" } },
  loss = "mse",
}
