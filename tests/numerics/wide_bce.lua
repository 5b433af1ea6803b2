-- One sigmoid output over a batch of 20, bce: the cost's 8 lane partial sums and their remainder,
-- fed logits of +-3e38.
return { name = "wide_bce", input = 1, batch = 20,
  layers = { { units = 1, activation = "sigmoid" } }, loss = "bce" }
