-- ce after a conv layer: softmax needs a flat output, so the fix is a dense layer after it.
return {
  name = "victim", input = { channels = 1, height = 4, width = 4 }, batch = 2, loss = "ce",
  layers = { { type = "conv2d", filters = 2, kernel = 3, activation = "relu" } },
}
