-- An int8 case for make check-q8-ref: convolutions whose every output column lies over the
-- padding, so that they never read their input. The first reads the net's input (zero point as
-- calibrated), the third a sigmoid's (zero point -128: each output is B + z_in sum W), the fourth
-- a tanh's (zero point 0: B alone, W unread); the generated code had left the input, and then
-- W, unused (errors under -Werror).
return {
  name = "q8_all_padding",
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
  optimizer = { type = "sgd", lr = 0.1 },
}
