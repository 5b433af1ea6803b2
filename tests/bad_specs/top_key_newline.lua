-- An unknown key holding a newline must not break the one-line message.
return {
  name = "victim", input = 2, batch = 4, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
  ["a\nb"] = 1,
}
