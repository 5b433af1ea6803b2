-- An int8 case for make check-q8-ref: input standardization (standardize = true) in front of a
-- padded conv2d, which cannot absorb it exactly: a per-feature affine int8 layer of its own.
return {
  name = "q8_standardize",
  input = { channels = 2, height = 4, width = 4 },
  batch = 2,
  standardize = true,
  layers = {
    { type = "conv2d", filters = 3, kernel = 3, padding = 1, activation = "relu" },
    { type = "flatten" },
    { units = 3, activation = "softmax" },
  },
  loss = "ce",
}
