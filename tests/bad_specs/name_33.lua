-- A 33-character name: one over the limit.
return {
  name = "abcdefghijklmnopqrstuvwxyz0123456", input = 2, batch = 4, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
}
