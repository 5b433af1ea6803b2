-- 2-D: a grouped convolution with a { h, w } kernel and stride and leaky_relu, then a depthwise
-- 1x1 convolution without bias, global average pooling, a dense output; mse; adamw.
return {
  name = "conv2d_groups",
  input = { channels = 4, height = 5, width = 5 },
  batch = 4,
  layers = {
    { type = "conv2d", filters = 4, kernel = { 3, 2 }, stride = { 2, 1 }, groups = 2,
      activation = "leaky_relu", alpha = 0.1 },
    { type = "conv2d", filters = 4, kernel = 1, groups = 4, bias = false, activation = "linear" },
    { type = "global_avgpool" },
    { units = 2, activation = "linear" },
  },
  loss = "mse",
  dtype = "double",
  optimizer = { type = "adamw", lr = 0.01, weight_decay = 0.02 },
}
