-- 2^21 x 2^21 x 2^22 = 2^64 features: exactly 0 in wrapped 64-bit arithmetic, and a global pool
-- after it would have looked like a small network.
return {
  name = "victim", batch = 1, loss = "mse",
  input = { channels = 2^21, height = 2^21, width = 2^22 },
  layers = { { type = "global_avgpool" }, { units = 1, activation = "linear" } },
}
