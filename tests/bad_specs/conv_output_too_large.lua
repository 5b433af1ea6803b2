-- Each size at its limit, 2^24 filters over 2^24 positions: the output alone is 2^48 features.
return {
  name = "victim", batch = 2, loss = "mse", input = { channels = 1, length = 2^24 },
  layers = {
    { type = "conv1d", filters = 2^24, kernel = 1, activation = "linear" },
    { units = 1, activation = "linear" },
  },
}
