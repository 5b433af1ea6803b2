-- make train compiles its driver with -I <generated folder> before runtime/hosted, which has csv.h.
return {
  name = "csv", input = 2, batch = 4, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
}
