-- `activaton` for `activation`, in the second layer.
return {
  name = "victim", input = 2, batch = 4, loss = "bce",
  layers = { { units = 3, activation = "tanh" }, { units = 1, activaton = "sigmoid" } },
}
