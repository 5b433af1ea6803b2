-- 2-D: "same" convolution, batchnorm over channels x positions with relu, 2x2 average pooling,
-- softmax; ce; adamw with its default weight decay (0.01). Float.
return {
  name = "conv2d_bn",
  input = { channels = 2, height = 6, width = 6 },
  batch = 4,
  layers = {
    { type = "conv2d", filters = 3, kernel = 3, padding = "same", activation = "linear" },
    { type = "batchnorm", activation = "relu" },
    { type = "avgpool2d", kernel = 2 },
    { units = 2, activation = "softmax" },
  },
  loss = "ce",
  optimizer = { type = "adamw", lr = 0.01 },
}
