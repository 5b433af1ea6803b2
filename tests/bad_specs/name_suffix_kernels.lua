-- net_kernels.h is also the kernels header of a model named net.
return {
  name = "net_kernels", input = 2, batch = 4, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
}
