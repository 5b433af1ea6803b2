-- Arithmetic on nil while computing a layer size.
local hidden
return { name = "victim", input = 2, batch = 4, layers = { { units = hidden * 2, activation = "relu" } }, loss = "mse" }
