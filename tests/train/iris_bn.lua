-- specs/iris.lua with a batchnorm after its hidden layer (tests/train/check.sh). The batch
-- functions normalize with each batch's own statistics, so make train's validation must run in
-- inference mode (predict, the running statistics): the result line's accuracy and loss.csv's
-- validation loss are then those of the saved weights reloaded, which check.sh compares. (They
-- were computed with forward on validation batches, where a padded batch is copies of one sample
-- with no variance: accuracy 0.667 on a net that predicted 0.944 of the rows right.)
return {
  name = "iris_bn",
  input = 4,
  batch = 16,
  layers = {
    { units = 16, activation = "linear" },
    { type = "batchnorm", activation = "relu" },
    { units = 3, activation = "softmax" },
  },
  loss = "ce",
  optimizer = { type = "adam", lr = 0.01 },
  init = { scheme = "he", seed = 11 },
}
