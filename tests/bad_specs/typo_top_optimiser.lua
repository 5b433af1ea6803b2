-- British spelling of `optimizer`.
return {
  name = "victim", input = 2, batch = 4, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
  optimiser = { type = "adam" },
}
