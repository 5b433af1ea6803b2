-- specs/xor.lua's architecture with batch 1 and another optimizer: its weights files must load.
return {
  name = "xor_b1",
  input = 2,
  batch = 1,
  layers = {
    { units = 4, activation = "tanh" },
    { units = 1, activation = "sigmoid" },
  },
  loss = "mse",
  optimizer = { type = "sgd", lr = 0.5 },
  unroll = "loops",
}
