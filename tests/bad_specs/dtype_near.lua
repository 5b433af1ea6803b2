-- A dtype spelt the numpy way.
return {
  name = "victim", input = 2, batch = 4, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
  dtype = "float32",
}
