-- input = 2^24 + 1: one past the largest useful input (a single unit would exceed the parameter limit).
return {
  name = "victim", input = 2^24 + 1, batch = 4, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
}
