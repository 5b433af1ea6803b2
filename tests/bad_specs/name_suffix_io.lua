-- net_io.c is also the I/O source of a model named net.
return {
  name = "net_io", input = 2, batch = 4, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
}
