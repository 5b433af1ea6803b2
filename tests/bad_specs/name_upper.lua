-- Upper case is reserved for the macro prefix.
return {
  name = "X", input = 2, batch = 4, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
}
