-- Cumulative parameters: 4,198,400 after layer 1, 12,589,056 after layer 2, 16,785,408 after layer 3.
return {
  name = "victim", input = 1024, batch = 1, loss = "mse",
  layers = {
    { units = 4096, activation = "relu" },
    { units = 2048, activation = "relu" },
    { units = 2048, activation = "relu" },
    { units = 1, activation = "linear" },
  },
}
