-- min_lr above lr would be a warm-up, not an annealing.
return {
  name = "victim", input = 2, batch = 4, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
  optimizer = { type = "adam", lr = 0.001, schedule = { type = "cosine", steps = 100, min_lr = 0.01 } },
}
