-- Padding and dilation of 2^62 cancel out to an output of length 4, but the input coordinate
-- kx * 2^62 - 2^62 overflows at kx = 2.
return {
  name = "victim", batch = 1, loss = "mse", input = { channels = 1, length = 4 },
  layers = { { type = "conv1d", filters = 1, kernel = 3, padding = 2^62, dilation = 2^62, activation = "linear" } },
}
