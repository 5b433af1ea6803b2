-- ce after a relu output: neither loss goes with relu, so the message offers softmax or mse.
return {
  name = "victim", input = 2, batch = 4, loss = "ce",
  layers = { { units = 3, activation = "relu" } },
}
