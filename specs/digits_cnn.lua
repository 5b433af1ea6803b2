-- Handwritten digits as 1x8x8 images (UCI optdigits; data/digits.csv, the 64 pixel counts in
-- row-major order): two 3x3 "same" convolutions with a 2x2 max pool between them, flattened into
-- a softmax over the 10 classes. 98.6% of the held-out 20% after 100 epochs (the MLP of
-- specs/digits.lua: 98.1%).
-- Train: make train SPEC=specs/digits_cnn.lua DATA=data/digits.csv
return {
  name = "digits_cnn",
  input = { channels = 1, height = 8, width = 8 },
  batch = 32,
  layers = {
    { type = "conv2d", filters = 16, kernel = 3, padding = 1, activation = "relu" },
    { type = "maxpool2d", kernel = 2 },
    { type = "conv2d", filters = 32, kernel = 3, padding = 1, activation = "relu" },
    { type = "flatten" },
    { units = 10, activation = "softmax" },
  },
  loss = "ce",
  optimizer = { type = "adam", lr = 0.001 },
  init = { scheme = "he", seed = 3 },
}
