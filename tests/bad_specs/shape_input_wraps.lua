-- An image of 2^24 x 2^24 x 2^24: 2^72 features, which 64-bit integers would wrap to 0.
return {
  name = "victim", batch = 1, loss = "mse",
  input = { channels = 2^24, height = 2^24, width = 2^24 },
  layers = { { units = 1, activation = "linear" } },
}
