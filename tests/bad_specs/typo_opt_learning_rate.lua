-- `learning_rate` for `lr`.
return {
  name = "victim", input = 2, batch = 4, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
  optimizer = { type = "sgd", learning_rate = 0.1 },
}
