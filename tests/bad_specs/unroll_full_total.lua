-- Five layers of 32 -> 32 at batch 4: each is at the per-layer limit of 4096 multiply-adds, but
-- together they pass the limit of 16384 for the whole network at layer 5.
local layers = {}
for l = 1, 5 do
  layers[l] = { units = 32, activation = "relu" }
end
return { name = "victim", input = 32, batch = 4, layers = layers, loss = "mse", unroll = "full" }
