-- Loss names are case-sensitive; too far from any for a guess.
return {
  name = "victim", input = 2, batch = 4, loss = "BCE",
  layers = { { units = 1, activation = "sigmoid" } },
}
