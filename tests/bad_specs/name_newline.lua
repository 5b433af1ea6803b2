-- A newline, shown escaped so the message stays on one line.
return {
  name = "a\nb", input = 2, batch = 4, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
}
