-- Both sizes at their own maximum: 2^48 weights, which must not overflow anything on the way.
return {
  name = "victim", input = 16777216, batch = 1, loss = "mse",
  layers = { { units = 16777216, activation = "linear" }, { units = 16777216, activation = "linear" } },
}
