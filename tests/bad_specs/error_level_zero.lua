-- error(msg, 0): no position, so the generator puts the file name in front.
error("plain message without a position", 0)
