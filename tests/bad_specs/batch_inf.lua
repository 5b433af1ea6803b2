-- batch = inf.
return {
  name = "victim", input = 2, batch = 1/0, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
}
