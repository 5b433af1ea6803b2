-- The good spec whose output the bad-spec runner places in OUT beforehand: most bad specs use its name.
return {
  name = "victim",
  input = 2,
  batch = 4,
  layers = {
    { units = 3, activation = "tanh" },
    { units = 1, activation = "sigmoid" },
  },
  loss = "bce",
}
