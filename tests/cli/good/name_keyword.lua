-- A name that is a C keyword: every symbol gets a suffix (for_forward, FOR_INPUTS), so it is fine.
return {
  name = "for",
  input = 2,
  batch = 2,
  layers = { { units = 1, activation = "sigmoid" } },
  loss = "bce",
}
