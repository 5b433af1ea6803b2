-- Layers 1 and 3 only.
return {
  name = "victim", input = 2, batch = 4, loss = "bce",
  layers = { [1] = { units = 3, activation = "tanh" }, [3] = { units = 1, activation = "sigmoid" } },
}
