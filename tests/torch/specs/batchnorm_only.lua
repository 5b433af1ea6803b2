-- A net whose only parameters are a batchnorm's (found by a random probe): its init draws
-- nothing, so the generated <name>_init must not set up a random state it never reads (an unused
-- variable under -Werror); batchnorm then softmax with ce on a flattened 1x16 input. The optimizer
-- has no type, so it is sgd (docs/spec.md), which tests/torch/spec2json.lua must know too.
return {
  name = "batchnorm_only",
  input = { channels = 1, length = 16 },
  batch = 4,
  layers = {
    { type = "flatten" },
    { type = "batchnorm", activation = "softmax" },
  },
  loss = "ce",
  dtype = "double",
  optimizer = { lr = 0.05 },
}
