-- 30 dense layers of 16 units: 256 multiply-adds per sample each, so every layer on its own is
-- small enough for auto to unroll, but all of them together are not (tests/size/check_size.sh).
local layers = {}
for l = 1, 29 do
  layers[l] = { units = 16, activation = "relu" }
end
layers[30] = { units = 1, activation = "sigmoid" }
return { name = "deep16_b1", input = 16, batch = 1, layers = layers, loss = "bce" }
