-- Values at the inclusive edge of each range: alpha 0, betas 0, seed UINT32_MAX, a 32-character
-- name, and an lr and eps small but still normal floats.
return {
  name = "abcdefghijklmnopqrstuvwxyz_01234",
  input = 1,
  batch = 1,
  layers = { { units = 1, activation = "leaky_relu", alpha = 0 }, { units = 1, activation = "linear" } },
  loss = "mse",
  optimizer = { type = "adam", lr = 1e-30, beta1 = 0, beta2 = 0, eps = 1e-30 },
  init = { scheme = "xavier", seed = 4294967295 },
}
