-- Seed 002 (fully-connected-mse.md): a regression MLP, ReLU hidden layers, linear output, mean
-- squared error over mini-batches: Y_hat = W3 relu(W2 relu(W1 X + b1) + b2) + b3.
return {
  name = "reg",
  input = 8,
  batch = 32,
  layers = {
    { units = 64, activation = "relu" },
    { units = 64, activation = "relu" },
    { units = 1, activation = "linear" },
  },
  loss = "mse",
  init = { scheme = "he", seed = 2 },
  optimizer = { type = "momentum", lr = 0.01, beta = 0.9 },
}
