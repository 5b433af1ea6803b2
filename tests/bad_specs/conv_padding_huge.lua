-- Padding at its limit on a short signal: 2^24 filters x (2^25 + 1) positions.
return {
  name = "victim", batch = 1, loss = "mse", input = { channels = 3, length = 4 },
  layers = { { type = "conv1d", filters = 2^24, kernel = 4, padding = 2^24, activation = "linear" } },
}
