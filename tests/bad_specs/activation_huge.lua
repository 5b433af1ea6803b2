-- A megabyte string as a field value: the message shows its first 37 bytes.
return {
  name = "victim", input = 2, batch = 4, loss = "bce",
  layers = { { units = 1, activation = string.rep("\27", 1000000) } },
}
