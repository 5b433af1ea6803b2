-- An Arm intrinsics header.
return {
  name = "arm_neon", input = 2, batch = 4, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
}
