-- 2-D: "same" convolution, batchnorm over channels x positions with relu, 2x2 average pooling,
-- softmax; ce; adamw with its default weight decay (0.01). Float. The convolution has no bias, as
-- is usual before batchnorm: the gradient of such a bias is exactly 0 (batchnorm subtracts the
-- mean), so in float it is rounding noise, which Adam's normalized step turns into steps of lr and
-- which then moves the running mean; no tolerance can compare that with float64.
return {
  name = "conv2d_bn",
  input = { channels = 2, height = 6, width = 6 },
  batch = 4,
  layers = {
    { type = "conv2d", filters = 3, kernel = 3, padding = "same", bias = false, activation = "linear" },
    { type = "batchnorm", activation = "relu" },
    { type = "avgpool2d", kernel = 2 },
    { units = 2, activation = "softmax" },
  },
  loss = "ce",
  optimizer = { type = "adamw", lr = 0.01 },
}
