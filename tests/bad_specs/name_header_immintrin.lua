-- The vector code includes <immintrin.h>.
return {
  name = "immintrin", input = 2, batch = 4, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
}
