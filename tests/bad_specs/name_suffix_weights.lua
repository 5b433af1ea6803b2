-- net_weights.c is also what a model named net writes with --weights.
return {
  name = "net_weights", input = 2, batch = 4, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
}
