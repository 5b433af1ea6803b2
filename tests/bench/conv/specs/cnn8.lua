-- Conv benchmark net (tests/bench/conv/): a digits-sized 2-D CNN on 1x8x8 images, batch 32.
-- Every peer program builds the same layers from the same params0 (tests/bench/conv/README.md).
return {
  name = "cnn8",
  input = { channels = 1, height = 8, width = 8 },
  batch = 32,
  layers = {
    { type = "conv2d", filters = 8, kernel = 3, stride = 1, padding = 1, activation = "relu" },
    { type = "maxpool2d", kernel = 2 },
    { type = "conv2d", filters = 16, kernel = 3, padding = 0, activation = "relu" },
    { type = "global_avgpool" },
    { units = 10, activation = "softmax" },
  },
  loss = "ce",
  dtype = "float",
  optimizer = { type = "sgd", lr = 0.01 },
  init = { scheme = "he", seed = 21 },
}
