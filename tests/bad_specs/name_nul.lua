-- A NUL byte (would cut the file name short in C).
return {
  name = "victim\0x", input = 2, batch = 4, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
}
