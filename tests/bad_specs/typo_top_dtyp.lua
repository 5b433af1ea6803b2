-- `dtyp` for `dtype`.
return {
  name = "victim", input = 2, batch = 4, loss = "bce", dtyp = "double",
  layers = { { units = 1, activation = "sigmoid" } },
}
