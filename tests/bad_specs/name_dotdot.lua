-- A name that would write outside OUT.
return {
  name = "../x", input = 2, batch = 4, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
}
