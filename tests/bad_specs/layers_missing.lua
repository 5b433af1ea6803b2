-- No layers field.
return { name = "victim", input = 2, batch = 4, loss = "bce" }
