-- units = 1e9: an integer-valued float, far above the limit.
return {
  name = "victim", input = 2, batch = 4, loss = "bce",
  layers = { { units = 1e9, activation = "tanh" }, { units = 1, activation = "sigmoid" } },
}
