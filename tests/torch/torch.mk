# tests/torch/torch.mk: generated models against PyTorch (tests/torch/check.py), an autodiff and
# optimizer check independent of the generator and of the C reference engine. Included by the top
# Makefile (which defines GRADC and the rule that builds it).
#
#   make check-torch    every example spec (specs/*.lua), the dense specs in tests/torch/dense/
#                       (several mse and bce outputs, where J's sum over outputs matters) and the
#                       conv, pooling, batchnorm and weight-decay specs in tests/torch/specs/:
#                       forward, cost, gradient, one-sample predict and 3 train steps against
#                       torch (float64), through the public C API; then negative controls (a
#                       PyTorch side off by 1e-6 in lr must fail). SKIPPED (saying why) when
#                       Debian's python3 cannot import torch; make test installs it.
.PHONY: check-torch

TORCH_SPECS := $(sort $(wildcard specs/*.lua tests/torch/dense/*.lua tests/torch/specs/*.lua))
TORCH_BUILD := tests/build/torch
# Debian's interpreter: the python3 first on PATH may be another one, without torch.
TORCH_CHECK_PYTHON := /usr/bin/python3

check-torch: $(GRADC)
	@if [ -x $(TORCH_CHECK_PYTHON) ]; then \
	    $(TORCH_CHECK_PYTHON) tests/torch/check.py '$(GRADC)' $(TORCH_BUILD) '$(CC)' $(TORCH_SPECS); \
	else \
	    echo "check-torch: SKIPPED: no $(TORCH_CHECK_PYTHON), so no torch (apt-get install python3-torch)"; \
	fi
