-- A stride of 2^31 gives one output position, but the literal would not fit the generated int.
return {
  name = "victim", batch = 1, loss = "mse", input = { channels = 1, length = 4 },
  layers = { { type = "conv1d", filters = 1, kernel = 1, stride = 2^31, activation = "linear" } },
}
