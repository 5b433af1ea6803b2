-- An optimizer gradc does not have.
return {
  name = "victim", input = 2, batch = 4, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
  optimizer = { type = "adamax", lr = 0.01 },
}
