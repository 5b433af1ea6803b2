-- `layer` for `layers`.
return {
  name = "victim", input = 2, batch = 4, loss = "bce",
  layer = { { units = 1, activation = "sigmoid" } },
}
