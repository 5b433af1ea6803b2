-- A hand-made int8 edge case for make check-q8-ref (tests/q8/q8_check.c gives it its weights and
-- calibration rows instead of random ones): W = (1, -1), b = 0 on calibration rows (A, A) and
-- (-A, -A), so the output is 0 on every row (s = 1/255, z = -128) and its multiplier is just below
-- 2^18 (q = 2^31 - 32); the input (-128, 127) then drives MBQM to -(2^31 - 32), where adding the
-- zero point -128 leaves int32 before the clamp to -128.
return {
  name = "q8_saturate",
  input = 2,
  batch = 1,
  layers = {
    { units = 1, activation = "linear" },
  },
  loss = "mse",
}
