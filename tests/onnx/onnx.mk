# tests/onnx/onnx.mk: make import (gen/tools/onnx2gradc.py), against PyTorch. Included by the top
# Makefile (which defines GRADC and the rule that builds it).
#
#   make check-onnx    export nn.Sequential models of every layer kind to ONNX, import them,
#                      generate, build and compare <name>_predict with PyTorch; and the refusals,
#                      with their exact messages, writing nothing (skips without torch or onnx)
.PHONY: check-onnx

ONNX_BUILD := tests/build/onnx

check-onnx: $(GRADC)
	@if /usr/bin/python3 -c 'import torch, onnx' 2> /dev/null; then \
	    /usr/bin/python3 tests/onnx/test_onnx2gradc.py '$(GRADC)' $(ONNX_BUILD) '$(CC)'; \
	else \
	    echo "check-onnx: SKIPPED: /usr/bin/python3 cannot import torch and onnx (apt-get install python3-torch python3-onnx)"; \
	fi
