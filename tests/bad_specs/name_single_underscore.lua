-- The shortest name the pattern [a-z_][a-z0-9_]* allows, "_", would give identifiers such as
-- __real, reserved for the C implementation (and a keyword in gcc and clang): refused.
return {
  name = "_",
  input = 2,
  batch = 2,
  layers = { { units = 1, activation = "sigmoid" } },
  loss = "bce",
}
