-- A positional entry in the top-level table.
return {
  "victim",
  name = "victim", input = 2, batch = 4, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
}
