-- A long message in a multi-byte script is cut between characters, never inside one: 150
-- two-byte characters are the 300 bytes shown.
error(string.rep("\206\187", 200), 0)
