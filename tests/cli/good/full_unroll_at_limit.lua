-- unroll = "full" at exactly 4096 multiply-adds for one layer (64 -> 64, batch 1), the limit.
return {
  name = "full_unroll_at_limit",
  input = 64,
  batch = 1,
  layers = { { units = 64, activation = "tanh" }, { units = 1, activation = "linear" } },
  loss = "mse",
  unroll = "full",
}
