-- the schedule is a table, not a name.
return {
  name = "victim", input = 2, batch = 4, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
  optimizer = { type = "adam", schedule = "cosine" },
}
