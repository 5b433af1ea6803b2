-- Sigmoid hidden layer and softmax output under mse: saturated units must stay finite.
return { name = "stable_mse", input = 2, batch = 4,
  layers = { { units = 3, activation = "sigmoid" }, { units = 3, activation = "softmax" } },
  loss = "mse", unroll = "loops" }
