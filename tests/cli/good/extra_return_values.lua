-- A chunk that returns more than one value: only the first is the spec.
return {
  name = "extra_return_values",
  input = 1,
  batch = 1,
  layers = { { units = 1, activation = "linear" } },
  loss = "mse",
}, "ignored", 42
