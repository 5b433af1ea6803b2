-- units = "4": a string, even one holding a number, is not a number.
return {
  name = "victim", input = 2, batch = 4, loss = "bce",
  layers = { { units = "4", activation = "tanh" }, { units = 1, activation = "sigmoid" } },
}
