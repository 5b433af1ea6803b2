-- alpha on the softmax output layer.
return {
  name = "victim", input = 2, batch = 4, loss = "ce",
  layers = { { units = 3, activation = "relu" }, { units = 2, activation = "softmax", alpha = 0.5 } },
}
