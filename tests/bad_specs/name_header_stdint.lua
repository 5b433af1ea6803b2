-- stdint.h: the generated code itself includes <stdint.h>.
return {
  name = "stdint", input = 2, batch = 4, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
}
