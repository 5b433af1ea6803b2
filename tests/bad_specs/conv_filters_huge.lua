-- 2^62 + 1 filters without a bias: their 4 (2^62 + 1) weights wrap to 4 in 64-bit arithmetic.
return {
  name = "victim", batch = 1, loss = "mse", input = { channels = 4, length = 1 },
  layers = { { type = "conv1d", filters = (1 << 62) + 1, kernel = 1, bias = false, activation = "linear" } },
}
