-- Not a C identifier: starts with a digit.
return {
  name = "1net", input = 2, batch = 4, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
}
