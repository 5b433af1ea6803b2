-- gcc's <immintrin.h> includes <avx2intrin.h>, which -I out/avx2intrin would shadow.
return {
  name = "avx2intrin", input = 2, batch = 4, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
}
