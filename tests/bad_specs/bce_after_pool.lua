-- bce after a global average pool, which takes no activation: the fix is a dense layer after it.
return {
  name = "victim", input = { channels = 1, height = 4, width = 4 }, batch = 2, loss = "bce",
  layers = { { type = "conv2d", filters = 2, kernel = 3, activation = "relu" }, { type = "global_avgpool" } },
}
