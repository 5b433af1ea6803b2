-- units = 2^53 (a float with an integral value).
return {
  name = "victim", input = 2, batch = 4, loss = "bce",
  layers = { { units = 2^53, activation = "tanh" }, { units = 1, activation = "sigmoid" } },
}
