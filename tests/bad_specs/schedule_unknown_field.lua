-- step's field on a cosine.
return {
  name = "victim", input = 2, batch = 4, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
  optimizer = { type = "adam", schedule = { type = "cosine", steps = 100, gamma = 0.5 } },
}
