-- specs/diabetes.lua with standardize = true, for check-train's standardized regression: 10 raw
-- features in, one number out in the target's own units (make train folds the target's
-- standardization into the linear last layer when it saves). The example spec itself stays
-- without it: its int8 build quantizes the raw features with one input scale, and features as
-- far apart in range as sex (1, 2) and s1 (97..301) lose their resolution there.
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
  -- raw features in, the target in its own units out: make train stores the features'
  -- standardization in the model and folds the target's into the linear last layer
  standardize = true,
}
