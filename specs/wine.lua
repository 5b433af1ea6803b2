-- Wine (UCI; data/wine_data.csv): 13 chemical measurements -> 3 cultivars.
-- 142 training samples; the classes separate well once the features are standardized.
-- Train: make train SPEC=specs/wine.lua DATA=data/wine_data.csv
return {
  name = "wine",
  input = 13,
  batch = 16,
  layers = {
    { units = 16, activation = "relu" },
    { units = 3, activation = "softmax" },
  },
  loss = "ce",
  optimizer = { type = "adam", lr = 0.01, beta1 = 0.9, beta2 = 0.999, eps = 1e-8 },
  init = { scheme = "he", seed = 13 },
}
