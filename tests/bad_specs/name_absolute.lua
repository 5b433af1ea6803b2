-- An absolute path as a name.
return {
  name = "/tmp/x", input = 2, batch = 4, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
}
