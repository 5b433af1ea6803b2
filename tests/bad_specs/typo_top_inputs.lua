-- `inputs` for `input`.
return {
  name = "victim", inputs = 2, batch = 4, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
}
