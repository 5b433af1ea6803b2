-- bce after a softmax output.
return {
  name = "victim", input = 2, batch = 4, loss = "bce",
  layers = { { units = 2, activation = "softmax" } },
}
