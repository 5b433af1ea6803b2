-- An imported model (a random ONNX probe): batchnorm, a 4x3 max pool, a 5x5 conv with padding 2,
-- global average pool, dense. Its conv's dW rows hold 50 taps, rounded up to 56, and the product's
-- last column tile (24 of them) ends the row: gcc 12 -O2 took the tile's row pointer, written
-- &dweights[r][32], for an access past the row (-Warray-bounds, an error under -Werror). Also
-- compiled by make check-strict, whose gcc -O2 builds caught it.
return {
  name = "conv2d_dw_tail",
  input = { channels = 2, height = 13, width = 14 },
  batch = 4,
  layers = {
    { type = "batchnorm", eps = 0.01, momentum = 0.1 },
    { type = "maxpool2d", kernel = { 4, 3 }, stride = { 4, 1 } },
    { type = "conv2d", filters = 2, kernel = 5, padding = 2, activation = "linear" },
    { type = "global_avgpool" },
    { units = 6, activation = "tanh" },
    { units = 12, activation = "linear" },
  },
  loss = "mse",
  optimizer = { type = "adam", lr = 0.001 },
}
