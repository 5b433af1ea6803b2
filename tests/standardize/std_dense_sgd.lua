-- A model-suite case (tests/tests.mk): input standardization with the fused SGD step (backward
-- applies each gradient as it forms it) and a batchnorm, in float.
return {
  name = "std_dense_sgd",
  input = 5,
  batch = 4,
  standardize = true,
  layers = {
    { units = 6, activation = "relu" },
    { type = "batchnorm" },
    { units = 3, activation = "softmax" },
  },
  loss = "ce",
  optimizer = { type = "sgd", lr = 0.1 },
}
