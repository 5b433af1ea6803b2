# tests/q8/q8.mk: int8 inference (gradc --quant int8). Included by the top Makefile, which defines
# GRADC (and the rule that builds it) and CC.
#
#   make check-q8   the scheme's arithmetic, every layer kind generated and compiled strict (C99,
#                   C++), integer-only objects on a Cortex-M0, the generated helpers against
#                   independent arithmetic, digits and digits_cnn accuracy against float, the error
#                   bound of the dense nets, bad calibration files and options (tests/q8/check.sh)
.PHONY: check-q8

check-q8: $(GRADC)
	@sh tests/q8/check.sh "$(MAKE) -f $(firstword $(MAKEFILE_LIST))" "$(GRADC)" "$(CC)"
