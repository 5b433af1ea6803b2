-- specs/xor.lua's architecture trained at batch 32: its weights must load into batch-1 xor_b1.
return {
  name = "xor_b32",
  input = 2,
  batch = 32,
  layers = {
    { units = 4, activation = "tanh" },
    { units = 1, activation = "sigmoid" },
  },
  loss = "bce",
  optimizer = { type = "adam", lr = 0.05 },
  unroll = "loops",
}
