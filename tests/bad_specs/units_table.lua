-- units = { 4 }.
return {
  name = "victim", input = 2, batch = 4, loss = "bce",
  layers = { { units = { 4 }, activation = "tanh" }, { units = 1, activation = "sigmoid" } },
}
