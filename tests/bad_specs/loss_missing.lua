-- No loss.
return {
  name = "victim", input = 2, batch = 4,
  layers = { { units = 1, activation = "sigmoid" } },
}
