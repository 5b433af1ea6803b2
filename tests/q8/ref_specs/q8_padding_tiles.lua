-- An int8 case for make check-q8-ref: padding wider than a 1-tap kernel reaches, so that the
-- one-sample code's last tile of output positions (8 and 9, then 8 to 10) lies wholly over the
-- padding and reads no input (gen/ops/conv.lua's int8 row tiles: the first over the input's zero
-- point, the second over the sigmoid's, -128; they had declared unused pointers).
return {
  name = "q8_padding_tiles",
  input = { channels = 5, length = 6 },
  batch = 2,
  layers = {
    { type = "conv1d", filters = 6, kernel = 1, dilation = 3, padding = 2, activation = "sigmoid" },
    { type = "avgpool1d", kernel = 2 },
    { type = "conv1d", filters = 4, kernel = 1, padding = 3, activation = "tanh" },
    { type = "flatten" },
    { units = 2, activation = "softmax" },
  },
  loss = "ce",
  optimizer = { type = "sgd", lr = 0.1 },
}
