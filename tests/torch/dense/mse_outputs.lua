-- Several mse outputs: J = (1/m) sum over outputs and samples, which is PyTorch's MSELoss
-- (mean over elements) times the output count, so a generator dividing by m x outputs fails here
-- (the example specs' mse nets have one output, where the two agree).
return {
  name = "mse_outputs",
  input = 6,
  batch = 5,
  layers = {
    { units = 7, activation = "leaky_relu", alpha = 0.2 },
    { units = 3, activation = "linear" },
  },
  loss = "mse",
  dtype = "double",
  optimizer = { type = "momentum", lr = 0.05 },
}
