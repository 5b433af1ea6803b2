-- A 1 MB activation name: cheap to build, and must be cheap to reject.
return {
  name = "victim", input = 2, batch = 4, loss = "bce",
  layers = { { units = 1, activation = string.rep("x", 10^6) } },
}
