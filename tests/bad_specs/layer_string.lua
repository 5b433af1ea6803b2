-- A layer given as its activation name only.
return {
  name = "victim", input = 2, batch = 4, loss = "bce",
  layers = { "relu", { units = 1, activation = "sigmoid" } },
}
