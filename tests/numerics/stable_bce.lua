-- Two sigmoid outputs, bce: logits of +-1e4 must give a finite J and finite gradients.
return { name = "stable_bce", input = 2, batch = 4,
  layers = { { units = 2, activation = "sigmoid" } }, loss = "bce" }
