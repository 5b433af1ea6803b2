-- The current folder as a name.
return {
  name = ".", input = 2, batch = 4, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
}
