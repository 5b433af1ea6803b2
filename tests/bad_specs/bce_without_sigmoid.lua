-- bce after a tanh output.
return {
  name = "victim", input = 2, batch = 4, loss = "bce",
  layers = { { units = 3, activation = "relu" }, { units = 1, activation = "tanh" } },
}
