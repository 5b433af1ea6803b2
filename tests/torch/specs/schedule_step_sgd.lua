-- Step decay halving lr after every step, on the sgd that is fused into backward (dense layers,
-- no weight decay): the 3 steps use lr, lr/2, lr/4 (PyTorch's StepLR).
return {
  name = "schedule_step_sgd",
  input = 4,
  batch = 6,
  layers = {
    { units = 5, activation = "tanh" },
    { units = 3, activation = "softmax" },
  },
  loss = "ce",
  optimizer = { type = "sgd", lr = 0.5, schedule = { type = "step", every = 1, gamma = 0.5 } },
}
