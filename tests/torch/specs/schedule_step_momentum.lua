-- Step decay every 2 steps on momentum with coupled weight decay, in double: steps 1 and 2 use
-- lr, step 3 lr gamma (PyTorch's StepLR).
return {
  name = "schedule_step_momentum",
  input = 3,
  batch = 5,
  layers = {
    { units = 4, activation = "relu" },
    { units = 2, activation = "linear" },
  },
  loss = "mse",
  dtype = "double",
  optimizer = { type = "momentum", lr = 0.2, beta = 0.8, weight_decay = 0.05,
    schedule = { type = "step", every = 2, gamma = 0.3 } },
}
