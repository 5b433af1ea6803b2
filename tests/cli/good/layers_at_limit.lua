-- 1000 layers, the most allowed, each fully unrolled by unroll = "auto".
local layers = {}
for l = 1, 1000 do
  layers[l] = { units = 2, activation = l % 2 == 0 and "tanh" or "relu" }
end
layers[1000] = { units = 1, activation = "sigmoid" }
return { name = "layers_at_limit", input = 2, batch = 1, layers = layers, loss = "bce" }
