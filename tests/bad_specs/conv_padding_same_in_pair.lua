-- "same" inside a padding pair: it is a whole-layer value (total padding per dimension).
return {
  name = "victim", input = { channels = 1, height = 5, width = 5 }, batch = 2, loss = "ce",
  layers = {
    { type = "conv2d", filters = 2, kernel = 3, padding = { "same", 1 }, activation = "relu" },
    { units = 2, activation = "softmax" },
  },
}
