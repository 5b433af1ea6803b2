-- Escape sequences and control characters that would clear the screen, move the cursor or
-- overwrite the line are shown escaped, and a NUL does not cut the line short.
error("\27[2J\27[H\rgradc: wrote out/\n\0after\127\t\7", 0)
