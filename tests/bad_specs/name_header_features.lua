-- glibc's <stdio.h> and every other libc header include <features.h>.
return {
  name = "features", input = 2, batch = 4, loss = "bce",
  layers = { { units = 1, activation = "sigmoid" } },
}
