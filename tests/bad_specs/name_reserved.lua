-- The runtime header's name: <name>.h would overwrite gradc_rt.h.
return {
  name = "gradc_rt", input = 2, batch = 4, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
}
