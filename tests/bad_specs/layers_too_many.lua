-- One layer more than the layer limit.
local layers = {}
for l = 1, 1001 do layers[l] = { units = 1, activation = "tanh" } end
return { name = "victim", input = 1, batch = 1, loss = "mse", layers = layers }
