-- An unroll mode gradc does not have.
return {
  name = "victim", input = 2, batch = 4, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
  unroll = "partial",
}
