-- 2-D: convolutions whose every output column lies over the padding (an input one column wide,
-- padding 1 and a stride that steps over it), so that they never read their input: Z = b. The
-- first is the net's first layer, whose one-sample code had left the input's view unused (an
-- error under -Werror); the net's output then depends on the biases alone, and forward, cost
-- and backward must still agree with PyTorch.
return {
  name = "conv2d_all_padding",
  input = { channels = 3, height = 5, width = 1 },
  batch = 2,
  layers = {
    { type = "conv2d", filters = 4, kernel = { 3, 1 }, stride = { 1, 2 }, padding = { 1, 1 }, activation = "sigmoid" },
    { type = "conv2d", filters = 3, kernel = { 2, 2 }, activation = "sigmoid" },
    { type = "conv2d", filters = 3, kernel = { 3, 1 }, stride = { 1, 3 }, padding = { 1, 1 }, activation = "tanh" },
    { type = "conv2d", filters = 2, kernel = 1, stride = { 1, 2 }, padding = { 0, 1 }, activation = "relu" },
    { type = "flatten" },
    { units = 3, activation = "softmax" },
  },
  loss = "ce",
  dtype = "double",
  optimizer = { type = "sgd", lr = 0.1 },
}
