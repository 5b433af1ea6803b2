-- Every integer field written as a float with an integral value: 2.0 is 2 (docs/spec.md).
-- The output must be byte-identical to integral_floats.twin, the same spec with integers.
return {
  name = "integral_floats",
  input = 2.0,
  batch = 4.0,
  layers = {
    { units = 3.0, activation = "leaky_relu", alpha = 0.0 },
    { units = 1e0, activation = "sigmoid" },
  },
  loss = "bce",
  init = { scheme = "uniform", seed = 7.0 },
  optimizer = { type = "momentum", lr = 1, beta = 0 },
}
