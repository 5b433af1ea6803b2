-- units = 0/0 (NaN; its sign, and so how printf shows it, depends on the platform).
return {
  name = "victim", input = 2, batch = 4, loss = "bce",
  layers = { { units = 0/0, activation = "tanh" }, { units = 1, activation = "sigmoid" } },
}
