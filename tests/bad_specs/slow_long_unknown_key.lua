-- A 1 MB unknown key: the spec itself is cheap, the generator must stay cheap too
-- (a "did you mean" over a megabyte, and the key itself in the message, would not be).
return {
  name = "victim", input = 2, batch = 4, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
  [string.rep("x", 10^6)] = 1,
}
