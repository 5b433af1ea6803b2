-- U+009B, the C1 control CSI as UTF-8 (\194\155), and bytes that are not UTF-8 are escaped; other
-- UTF-8 text is shown as it is.
error("caf\195\169 \194\155" .. "2J \255\254 \226\130\172", 0)
