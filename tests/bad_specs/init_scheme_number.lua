-- The init scheme as a number.
return {
  name = "victim", input = 2, batch = 4, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
  init = { scheme = 1 },
}
