-- An int8 case for make check-q8-ref: nine rows of 1,456 inputs, eight through the x86 eight-row
-- kernel and one left to the one-row dot product, its only call; gcc 12 took that call's n into
-- the dot product and refused its last loop under -Werror (-Waggressive-loop-optimizations, a
-- false positive) until the dot product was marked noipa.
return {
  name = "q8_x86_leftover",
  input = 1456,
  batch = 2,
  layers = {
    { units = 9, activation = "softmax" },
  },
  loss = "ce",
  optimizer = { type = "sgd", lr = 0.1 },
}
