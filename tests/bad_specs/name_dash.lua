-- Not a C identifier: a dash.
return {
  name = "my-net", input = 2, batch = 4, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
}
