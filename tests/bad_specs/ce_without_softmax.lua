-- ce after a sigmoid output.
return {
  name = "victim", input = 2, batch = 4, loss = "ce",
  layers = { { units = 3, activation = "relu" }, { units = 1, activation = "sigmoid" } },
}
