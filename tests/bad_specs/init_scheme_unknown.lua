-- Another name for he, which gradc does not know.
return {
  name = "victim", input = 2, batch = 4, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
  init = { scheme = "kaiming" },
}
