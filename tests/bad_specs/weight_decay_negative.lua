-- weight_decay is a non-negative number.
return { name = "victim", input = 2, batch = 4, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } }, optimizer = { type = "adamw", weight_decay = -0.1 } }
