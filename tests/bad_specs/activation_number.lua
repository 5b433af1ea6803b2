-- An activation given as a number.
return {
  name = "victim", input = 2, batch = 4, loss = "bce",
  layers = { { units = 3, activation = 4 }, { units = 1, activation = "sigmoid" } },
}
