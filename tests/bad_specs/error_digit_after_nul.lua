-- A NUL before a digit is written \000, so that the escape does not swallow the digit.
error("a\0" .. "1", 0)
