-- The second layer has no units.
return {
  name = "victim", input = 2, batch = 4, loss = "bce",
  layers = { { units = 3, activation = "tanh" }, { activation = "sigmoid" } },
}
