-- A name with a slash (a subfolder of OUT).
return {
  name = "a/b", input = 2, batch = 4, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
}
