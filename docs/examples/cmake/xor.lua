-- XOR: the smallest network that needs a hidden layer (a copy of specs/xor.lua).
return {
  name = "xor",
  input = 2,
  batch = 4,
  layers = {
    { units = 4, activation = "tanh" },
    { units = 1, activation = "sigmoid" },
  },
  loss = "bce",
  optimizer = { type = "adam", lr = 0.05 },
  init = { scheme = "xavier", seed = 7 },
  unroll = "full",
}
