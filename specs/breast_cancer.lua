-- Wisconsin diagnostic breast cancer (data/breast_cancer.csv): 30 cell-nucleus
-- features -> malignant (0) or benign (1). One sigmoid output with binary cross-entropy; the
-- label column is the 0/1 target itself.
-- Train: make train SPEC=specs/breast_cancer.lua DATA=data/breast_cancer.csv
return {
  name = "breast_cancer",
  input = 30,
  batch = 32,
  layers = {
    { units = 16, activation = "relu" },
    { units = 1, activation = "sigmoid" },
  },
  loss = "bce",
  optimizer = { type = "adam", lr = 0.001, beta1 = 0.9, beta2 = 0.999, eps = 1e-8 },
  init = { scheme = "he", seed = 5 },
}
