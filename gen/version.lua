-- The generator's version, printed in every generated file's banner.
return "0.1.0"
