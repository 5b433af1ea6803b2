-- An endless loop with goto.
::again::
goto again
