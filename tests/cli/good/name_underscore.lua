-- A name starting with an underscore, as [a-z_][a-z0-9_]* allows.
return {
  name = "_net",
  input = 2,
  batch = 2,
  layers = { { units = 2, activation = "tanh" }, { units = 1, activation = "sigmoid" } },
  loss = "bce",
}
