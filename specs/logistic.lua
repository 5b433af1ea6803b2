-- Seed 000 (logistic-regression.md): no hidden layer, one sigmoid unit, binary cross-entropy.
-- J = -(1/m) sum [ y log a + (1 - y) log(1 - a) ], a = sigmoid(w^T x + b).
return {
  name = "logistic",
  input = 4,
  batch = 8,
  layers = {
    { units = 1, activation = "sigmoid" },
  },
  loss = "bce",
  optimizer = { type = "sgd", lr = 0.1 },
}
