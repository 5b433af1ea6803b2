-- The int8 convolutions of ARMv7E-M DSP builds (gen/ops/conv.lua's pair layouts), each layout and
-- what its addressing has to get right, for make check-cross to compare on the Cortex-M4F with the
-- host byte for byte: a plane of channel quads read with stride 2 and uneven padding (tanh
-- table, filters not a multiple of four); a max pool of whole words of columns, overlapping in
-- its rows (SSUB8 and SEL); a dilated kernel whose taps are gathered into a patch
-- (sigmoid table); a plane of channel quads with a wider stride (relu); windows of an odd channel
-- count with the uneven padding of "same" (leaky_relu table); a dense softmax head.
return {
  name = "conv_layouts",
  input = { channels = 4, height = 7, width = 6 },
  batch = 4,
  layers = {
    { type = "conv2d", filters = 6, kernel = 3, stride = 2, padding = { 1, 2 }, activation = "tanh" },
    { type = "maxpool2d", kernel = { 3, 2 }, stride = { 1, 2 } },
    { type = "conv2d", filters = 4, kernel = { 2, 3 }, dilation = 2, padding = 2, activation = "sigmoid" },
    { type = "conv2d", filters = 5, kernel = 3, stride = { 1, 2 }, padding = 1, activation = "relu" },
    { type = "conv2d", filters = 4, kernel = 2, padding = "same", activation = "leaky_relu", alpha = 0.1 },
    { type = "flatten" },
    { units = 3, activation = "softmax" },
  },
  loss = "ce",
  optimizer = { type = "sgd", lr = 0.01 },
  init = { scheme = "he", seed = 5 },
}
