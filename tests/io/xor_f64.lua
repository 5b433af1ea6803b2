-- specs/xor.lua's layers in double: same shapes, another dtype, so its files must not load.
return {
  name = "xor_f64",
  input = 2,
  batch = 4,
  dtype = "double",
  layers = {
    { units = 4, activation = "tanh" },
    { units = 1, activation = "sigmoid" },
  },
  loss = "bce",
}
