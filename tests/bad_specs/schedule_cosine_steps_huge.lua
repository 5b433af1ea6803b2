-- beyond 2^24 steps t is not exact in float.
return {
  name = "victim", input = 2, batch = 4, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
  optimizer = { type = "adam", schedule = { type = "cosine", steps = 16777217 } },
}
