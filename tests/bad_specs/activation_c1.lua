-- A field value holding U+009B (CSI as UTF-8) and a byte that is not UTF-8: both shown escaped.
return {
  name = "victim", input = 2, batch = 4, loss = "bce",
  layers = { { units = 1, activation = "\194\155" .. "2Jsig\255" } },
}
