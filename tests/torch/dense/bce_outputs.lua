-- Several independent sigmoid outputs with bce (a sum over outputs, divided by m only); float;
-- plain sgd with its default learning rate.
return {
  name = "bce_outputs",
  input = 3,
  batch = 7,
  layers = {
    { units = 5, activation = "tanh" },
    { units = 4, activation = "sigmoid" },
  },
  loss = "bce",
}
