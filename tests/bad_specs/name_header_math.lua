-- A model named math writes math.h, which -I out/math would put in front of <math.h>.
return {
  name = "math", input = 2, batch = 4, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
}
