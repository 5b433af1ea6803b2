-- Cosine annealing to 0 over 5 steps on adamw (its decoupled decay follows the scheduled lr),
-- after a convolution, in double.
return {
  name = "schedule_cosine_adamw",
  input = { channels = 2, length = 6 },
  batch = 4,
  layers = {
    { type = "conv1d", filters = 3, kernel = 3, activation = "relu" },
    { type = "flatten" },
    { units = 2, activation = "linear" },
  },
  loss = "mse",
  dtype = "double",
  optimizer = { type = "adamw", lr = 0.02, weight_decay = 0.1, schedule = { type = "cosine", steps = 5 } },
}
