-- A message with a newline must still come out as one line on stderr.
error("line one\nline two")
