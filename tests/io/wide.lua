-- One 600 x 600 layer: 360,600 float parameters, 1,442,400 bytes, more than <name>_load stages on
-- the stack, so its weights files take the path that copies the file into a temporary first.
return {
  name = "wide",
  input = 600,
  batch = 1,
  layers = {
    { units = 600, activation = "linear" },
  },
  loss = "mse",
  unroll = "loops",
}
