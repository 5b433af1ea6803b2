-- unroll = "full" on a 64 -> 64 layer with batch 32: 131072 multiply-add statements.
return {
  name = "victim", input = 64, batch = 32, loss = "mse",
  layers = { { units = 64, activation = "relu" }, { units = 1, activation = "linear" } },
  unroll = "full",
}
