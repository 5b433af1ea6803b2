-- standardize is a boolean: 1 is not true
return {
  name = "victim", input = 2, batch = 4, standardize = 1,
  layers = { { units = 1, activation = "sigmoid" } },
  loss = "bce",
}
