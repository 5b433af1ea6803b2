-- 1-D: "same" padding with dilation 2 (total padding 4, 2 each side), no bias, batchnorm over
-- channels and positions with relu, average pooling, softmax classifier; adam with weight decay.
return {
  name = "conv1d_bn_same",
  input = { channels = 3, length = 10 },
  batch = 6,
  layers = {
    { type = "conv1d", filters = 4, kernel = 3, padding = "same", dilation = 2, bias = false,
      activation = "linear" },
    { type = "batchnorm", activation = "relu" },
    { type = "avgpool1d", kernel = 2 },
    { units = 3, activation = "softmax" },
  },
  loss = "ce",
  dtype = "float",
  optimizer = { type = "adam", lr = 0.01, weight_decay = 0.001 },
}
