-- The name "gradc": its symbols (gradc_init, gradc_real, ...) share the runtime's gradc_ prefix.
return {
  name = "gradc",
  input = 2,
  batch = 2,
  layers = { { units = 2, activation = "tanh" }, { units = 1, activation = "sigmoid" } },
  loss = "bce",
}
