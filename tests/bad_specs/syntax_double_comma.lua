-- Two separators in a row in a table constructor.
return {
  name = "victim",
  , input = 2,
}
