-- No layers at all.
return {
  name = "victim", input = 2, batch = 4, loss = "bce",
  layers = {},
}
