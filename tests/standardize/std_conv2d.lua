-- A model-suite case (tests/tests.mk): input standardization in front of a padded conv2d, in
-- double so that the model's own gradient is checked against finite differences too.
return {
  name = "std_conv2d",
  input = { channels = 2, height = 5, width = 4 },
  batch = 3,
  standardize = true,
  layers = {
    { type = "conv2d", filters = 3, kernel = 3, padding = 1, activation = "tanh" },
    { type = "maxpool2d", kernel = 2 },
    { type = "dense", units = 2, activation = "linear" },
  },
  loss = "mse",
  dtype = "double",
  optimizer = { type = "momentum", lr = 0.05, weight_decay = 0.01 },
}
