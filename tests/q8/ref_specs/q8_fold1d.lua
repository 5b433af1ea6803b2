-- An int8 case for make check-q8-ref: batchnorm folded into conv1d layers (dilated "same", depthwise)
-- with a sigmoid table and a linear one, a batchnorm after a batchnorm (not foldable: a
-- depthwise 1x1 layer of its own), global average pooling, and a folded dense + batchnorm last.
return {
  name = "q8_fold1d",
  input = { channels = 2, length = 9 },
  batch = 2,
  layers = {
    { type = "conv1d", filters = 3, kernel = 3, dilation = 2, padding = "same", activation = "linear" },
    { type = "batchnorm", activation = "sigmoid" },
    { type = "conv1d", filters = 3, kernel = 2, groups = 3, activation = "linear" },
    { type = "batchnorm" },
    { type = "batchnorm", activation = "relu" },
    { type = "global_avgpool" },
    { units = 2, activation = "linear" },
    { type = "batchnorm" },
  },
  loss = "mse",
}
