-- Swapped letters in `name`.
return {
  nmae = "victim", input = 2, batch = 4, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
}
