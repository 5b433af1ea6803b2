-- A pool's stride is bounded like a convolution's.
return {
  name = "victim", batch = 1, loss = "mse", input = { channels = 1, height = 4, width = 4 },
  layers = { { type = "maxpool2d", kernel = 2, stride = { 2, 2^40 } }, { units = 1, activation = "linear" } },
}
