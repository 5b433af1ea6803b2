-- Cosine annealing over 2 steps on adam, in float: lr, the midpoint, then min_lr held once t
-- reaches steps (PyTorch's CosineAnnealingLR up to T_max).
return {
  name = "schedule_cosine_adam",
  input = 4,
  batch = 8,
  layers = {
    { units = 6, activation = "tanh" },
    { units = 1, activation = "sigmoid" },
  },
  loss = "bce",
  optimizer = { type = "adam", lr = 0.05, schedule = { type = "cosine", steps = 2, min_lr = 0.005 } },
}
