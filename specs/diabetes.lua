-- Diabetes progression (Efron et al.; data/diabetes_data.csv, targets in
-- diabetes_target.csv): 10 raw features -> one number, a regression with a linear output and mean
-- squared error. `make train` standardizes the target too (statistics saved in diabetes.scale) and
-- reports RMSE in the target's own units.
-- Train: make train SPEC=specs/diabetes.lua DATA=data/diabetes_data.csv \
--            TARGETS=data/diabetes_target.csv
return {
  name = "diabetes",
  input = 10,
  batch = 32,
  layers = {
    { units = 32, activation = "relu" },
    { units = 1, activation = "linear" },
  },
  loss = "mse",
  optimizer = { type = "adam", lr = 0.001, beta1 = 0.9, beta2 = 0.999, eps = 1e-8 },
  init = { scheme = "he", seed = 7 },
}
