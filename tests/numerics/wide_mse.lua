-- One linear output over a batch of 20, mse: outputs of +-1.8e19, whose squares are near FLT_MAX.
return { name = "wide_mse", input = 1, batch = 20,
  layers = { { units = 1, activation = "linear" } }, loss = "mse" }
