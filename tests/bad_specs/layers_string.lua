-- layers as a string.
return {
  name = "victim", input = 2, batch = 4, loss = "bce",
  layers = "dense",
}
