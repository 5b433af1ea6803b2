-- A named layer mixed into the list.
return {
  name = "victim", input = 2, batch = 4, loss = "bce",
  layers = { { units = 3, activation = "tanh" }, output = { units = 1, activation = "sigmoid" } },
}
