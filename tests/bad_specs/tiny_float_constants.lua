-- lr and eps are > 0 as the contract asks, but below the smallest float: with dtype = "float"
-- the generated constants would be 0 (adam would divide by sqrt(v) + 0), so the spec is refused.
return {
  name = "tiny_float_constants",
  input = 1,
  batch = 1,
  layers = { { units = 1, activation = "linear" } },
  loss = "mse",
  optimizer = { type = "adam", lr = 1e-300, eps = 5e-324 },
}
