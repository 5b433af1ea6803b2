-- softmax needs a flat output.
return { name = "victim", input = { channels = 1, length = 4 }, batch = 2, loss = "ce",
  layers = { { type = "conv1d", filters = 2, kernel = 1, activation = "softmax" } } }
