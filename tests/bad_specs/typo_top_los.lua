-- `los` for `loss`.
return {
  name = "victim", input = 2, batch = 4, los = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
}
