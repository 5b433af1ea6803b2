# tests/quickstart/quickstart.mk: docs/quickstart.md, run as written. Included by the top Makefile,
# which defines GRADC and the install rule.
#
#   make check-quickstart   run the doc's blocks in a scratch HOME: make install, make train on
#                           digits, a CMake project with the float and int8 models on raw CSV rows,
#                           and an nn.Sequential through ONNX to C; check what the programs print

.PHONY: check-quickstart

check-quickstart: $(GRADC)
	@sh tests/quickstart/check.sh "$(MAKE) -f $(abspath $(firstword $(MAKEFILE_LIST)))"
