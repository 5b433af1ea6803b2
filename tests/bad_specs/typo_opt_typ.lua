-- `typ` for `type`: without a type the optimizer is sgd, so sgd's fields are listed.
return {
  name = "victim", input = 2, batch = 4, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
  optimizer = { typ = "adam", lr = 0.01 },
}
