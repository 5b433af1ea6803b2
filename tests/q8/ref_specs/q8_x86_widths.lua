-- An int8 case for make check-q8-ref: row lengths that gcc 12 refused in the x86 eight-row kernel
-- and the one-row dot product under -Werror (-Waggressive-loop-optimizations): 40 and 56 inputs
-- (a multiple of 16, then one step of 8, then no pair left), and a leftover row of 112 (64 with
-- VNNI, then 48 in steps of 16) that is the dot product's only call.
return {
  name = "q8_x86_widths",
  input = 40,
  batch = 2,
  layers = {
    { units = 56, activation = "relu" },
    { units = 112, activation = "relu" },
    { units = 9, activation = "softmax" },
  },
  loss = "ce",
  optimizer = { type = "sgd", lr = 0.1 },
}
