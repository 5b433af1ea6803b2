-- 1-D: padding wider than a 1-tap kernel reaches, so that the one-sample code's last tile of
-- output positions (positions 8 and 9, then 8 to 10) lies wholly over the padding and reads no
-- input at all (gen/ops/conv.lua's row tiles; it had declared an unused row pointer).
return {
  name = "conv1d_padding_tiles",
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
  dtype = "double",
  optimizer = { type = "sgd", lr = 0.1 },
}
