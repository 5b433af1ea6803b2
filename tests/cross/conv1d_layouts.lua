-- The one-dimensional int8 convolutions of ARMv7E-M DSP builds (gen/ops/conv.lua's pair layouts,
-- a 1-D conv being a 2-D one of height 1), for make check-cross to compare on the Cortex-M4F with
-- the host byte for byte: windows of two channels with stride 2, the last input column past every
-- window (the padded rows must still hold it; relu), a plane of channel quads
-- with "same" padding (tanh table), a dilated kernel over such a plane (a run per tap), average
-- pooling, a dense head.
return {
  name = "conv1d_layouts",
  input = { channels = 2, length = 21 },
  batch = 4,
  layers = {
    { type = "conv1d", filters = 8, kernel = 4, stride = 2, activation = "relu" },
    { type = "conv1d", filters = 4, kernel = 3, padding = "same", activation = "tanh" },
    { type = "conv1d", filters = 6, kernel = 3, dilation = 2, activation = "linear" },
    { type = "avgpool1d", kernel = 2 },
    { type = "flatten" },
    { units = 2, activation = "linear" },
  },
  loss = "mse",
  optimizer = { type = "sgd", lr = 0.01 },
  init = { scheme = "he", seed = 9 },
}
