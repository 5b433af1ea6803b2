-- Only pools: net_params would have no members, which C99 does not allow.
return {
  name = "victim",
  input = { channels = 3, length = 8 },
  batch = 2,
  loss = "mse",
  layers = {
    { type = "maxpool1d", kernel = 2 },
    { type = "global_avgpool" },
  },
}
