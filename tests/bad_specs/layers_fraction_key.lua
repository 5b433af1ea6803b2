-- A layer at index 1.5.
return {
  name = "victim", input = 2, batch = 4, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" }, [1.5] = { units = 1, activation = "sigmoid" } },
}
