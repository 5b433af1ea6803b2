-- A spec that computes its layer list with what the sandbox allows: loops, string, table, math,
-- pcall (catching an error of its own), select, tostring/tonumber, utf8.
local widths = {}
for width in string.gmatch("16,8,4", "%d+") do
  widths[#widths + 1] = tonumber(width)
end
local ok, err = pcall(error, "caught, not fatal")
assert(not ok and err == "caught, not fatal")
local layers = {}
for _, width in ipairs(widths) do
  table.insert(layers, { units = math.floor(math.sqrt(width * width)), activation = "relu" })
end
layers[#layers + 1] = { units = select("#", 1, 2, 3), activation = "softmax" }
return {
  name = string.format("%s_%d", "computed", utf8.len("abc")),
  input = #tostring(12345),
  batch = 2 ^ 3,
  layers = layers,
  loss = "ce",
  dtype = "double",
  optimizer = { type = "adam" },
  init = { scheme = "he", seed = 0 },
}
