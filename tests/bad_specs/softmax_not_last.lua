-- softmax on a hidden layer.
return {
  name = "victim", input = 2, batch = 4, loss = "bce",
  layers = { { units = 3, activation = "softmax" }, { units = 1, activation = "sigmoid" } },
}
