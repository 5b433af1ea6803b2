#!/usr/bin/env lua
-- the lua command skips it, and so does gradc: what follows is checked as usual.
return { name = "victim" }
