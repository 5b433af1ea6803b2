-- warm-up is not a schedule field.
return {
  name = "victim", input = 2, batch = 4, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
  optimizer = { type = "adam", schedule = { type = "step", every = 10, warmup = 5 } },
}
