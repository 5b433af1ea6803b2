-- 4096 * 4096 + 4096 = 16,781,312 parameters: 4096 over the limit of 2^24.
return {
  name = "victim", input = 4096, batch = 1, loss = "mse",
  layers = { { units = 4096, activation = "linear" } },
}
