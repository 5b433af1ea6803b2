-- A hole in the middle of the list.
return {
  name = "victim", input = 2, batch = 4, loss = "bce",
  layers = { { units = 3, activation = "tanh" }, nil, { units = 1, activation = "sigmoid" } },
}
