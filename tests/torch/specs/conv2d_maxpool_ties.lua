-- Max pooling over relu outputs, where whole windows are 0: the gradient of a tie goes to the
-- window's first maximal element (PyTorch's choice). A { h, w } pooling kernel and stride.
return {
  name = "conv2d_maxpool_ties",
  input = { channels = 1, height = 7, width = 8 },
  batch = 3,
  layers = {
    { type = "conv2d", filters = 2, kernel = 2, activation = "relu" },
    { type = "maxpool2d", kernel = { 2, 3 }, stride = { 1, 2 } },
    { units = 2, activation = "linear" },
  },
  loss = "mse",
  dtype = "double",
  optimizer = { type = "sgd", lr = 0.1 },
}
