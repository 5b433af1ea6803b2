-- A POSIX header.
return {
  name = "unistd", input = 2, batch = 4, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
}
