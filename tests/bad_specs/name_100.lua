-- A 100-character name: the message shows a cut-down copy.
return {
  name = string.rep("a", 100), input = 2, batch = 4, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
}
