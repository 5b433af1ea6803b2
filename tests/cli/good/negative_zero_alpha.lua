-- alpha = -0.0 passes alpha >= 0 and is taken as 0 (docs/formats.md, the architecture hash): the
-- output must be byte-identical to negative_zero_alpha.twin, the same spec with alpha = 0.
return {
  name = "negative_zero_alpha", input = 3, batch = 4, loss = "mse",
  layers = {
    { units = 5, activation = "leaky_relu", alpha = -0.0 },
    { units = 2, activation = "leaky_relu", alpha = -0.0 },
  },
}
