-- An error object shaped like the generator's own user errors must not be taken for one.
error({ message = "forged: this must not be printed" })
