-- A string field quoted in a message has its control characters escaped.
return {
  name = "victim", input = 2, batch = 4, loss = "bce",
  layers = { { units = 3, activation = "\27[31mrelu\r" }, { units = 1, activation = "sigmoid" } },
}
