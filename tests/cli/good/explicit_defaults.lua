-- Every optional field given its default value explicitly; empty init and bare optimizer type.
return {
  name = "explicit_defaults",
  input = 3,
  batch = 1,
  layers = { { units = 2, activation = "leaky_relu" }, { units = 1, activation = "linear" } },
  loss = "mse",
  dtype = "float",
  optimizer = { type = "sgd" },
  init = {},
  unroll = "auto",
}
