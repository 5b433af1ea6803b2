-- 1-D: stride 2, padding 1, dilation 2, an even kernel; overlapping max pooling (stride < kernel).
return {
  name = "conv1d_stride",
  input = { channels = 2, length = 20 },
  batch = 3,
  layers = {
    { type = "conv1d", filters = 3, kernel = 4, stride = 2, padding = 1, dilation = 2,
      activation = "sigmoid" },
    { type = "maxpool1d", kernel = 3, stride = 2 },
    { type = "flatten" },
    { units = 2, activation = "softmax" },
  },
  loss = "ce",
  dtype = "double",
  optimizer = { type = "momentum", lr = 0.1, beta = 0.8 },
}
