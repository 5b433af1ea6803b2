-- Handwritten digits (UCI optdigits 8x8; data/digits.csv): 64 pixel counts 0..16
-- -> 10 classes. The largest of the example data sets (1438 training images), so the widest
-- hidden layer; softmax + cross-entropy, Adam.
-- Train: make train SPEC=specs/digits.lua DATA=data/digits.csv
return {
  name = "digits",
  input = 64,
  batch = 32,
  layers = {
    { units = 32, activation = "relu" },
    { units = 10, activation = "softmax" },
  },
  loss = "ce",
  optimizer = { type = "adam", lr = 0.001, beta1 = 0.9, beta2 = 0.999, eps = 1e-8 },
  init = { scheme = "he", seed = 3 },
  -- the network standardizes its own inputs: make train fills input_mean and input_inv_scale from
  -- the training split, so the trained digits.bin takes raw pixel counts (and CALIB raw rows)
  standardize = true,
}
