-- Conv benchmark net (tests/bench/conv/): keyword-spotting-style 1-D CNN over 40 channels x 49
-- steps, batch 16.
return {
  name = "kws",
  input = { channels = 40, length = 49 },
  batch = 16,
  layers = {
    { type = "conv1d", filters = 64, kernel = 3, stride = 1, padding = 1, activation = "relu" },
    { type = "conv1d", filters = 64, kernel = 3, stride = 2, padding = 1, activation = "relu" },
    { type = "conv1d", filters = 64, kernel = 3, stride = 1, padding = 1, activation = "relu" },
    { type = "global_avgpool" },
    { units = 12, activation = "softmax" },
  },
  loss = "ce",
  dtype = "float",
  optimizer = { type = "sgd", lr = 0.01 },
  init = { scheme = "he", seed = 22 },
}
