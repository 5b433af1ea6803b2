-- int8 test net (tests/q8/bad_input.sh): one dense layer, for weights files written by hand
-- (tests/q8/make_bad_weights.c).
return {
  name = "q8_tiny",
  input = 2,
  batch = 4,
  layers = { { units = 2, activation = "linear" } },
  loss = "mse",
  optimizer = { type = "sgd", lr = 0.1 },
}
