-- Calling a helper that does not exist.
return make_spec("victim")
