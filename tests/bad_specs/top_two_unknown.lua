-- Two unknown fields: the first in sorted order is reported, whatever the hash order.
return {
  name = "victim", input = 2, batch = 4, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
  zeta = 1, alpha = 0.5,
}
