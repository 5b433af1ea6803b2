# tests/torch/torch.mk: generated models against PyTorch (tests/torch/check.py), an autodiff and
# optimizer check independent of the generator and of the C reference engine. Included by the top
# Makefile (which defines GRADC and the rule that builds it).
#
#   make check-torch              every example spec (specs/*.lua) and the dense specs in
#                                 tests/torch/dense/ (several mse and bce outputs, where J's
#                                 sum over outputs matters): forward, cost, gradient,
#                                 one-sample predict and 3 train steps against torch (float64),
#                                 through the public C API; and the PyTorch side alone of the
#                                 conv, pooling, batchnorm and weight-decay specs in
#                                 tests/torch/specs/ (it builds and runs them, and its layer
#                                 shapes equal spec2json.lua's); then negative controls (a
#                                 PyTorch side off by 1e-6 in lr must fail); SKIPPED (saying why) when
#                                 Debian's python3 cannot import torch
#   make check-torch TORCH_CONV=1 the tests/torch/specs/ specs against the generated C as well
#
# TORCH_CONV is off by default only while the generator cannot generate those specs yet (they
# fail at the gradc step until then). When it can, this switch goes: TORCH_SPECS then always
# includes tests/torch/specs/*.lua and the --torch-side run is dropped.
.PHONY: check-torch

TORCH_CONV ?=
TORCH_V2_SPECS := $(sort $(wildcard tests/torch/specs/*.lua))
TORCH_SPECS := $(sort $(wildcard specs/*.lua tests/torch/dense/*.lua)) $(if $(filter 1,$(TORCH_CONV)),$(TORCH_V2_SPECS))
TORCH_BUILD := tests/build/torch
# Debian's interpreter: the python3 first on PATH may be another one, without torch.
TORCH_CHECK_PYTHON := /usr/bin/python3

check-torch: $(GRADC)
	@if [ -x $(TORCH_CHECK_PYTHON) ]; then \
	    $(TORCH_CHECK_PYTHON) tests/torch/check.py '$(GRADC)' $(TORCH_BUILD) '$(CC)' $(TORCH_SPECS) \
	    $(if $(filter 1,$(TORCH_CONV)),,&& $(TORCH_CHECK_PYTHON) tests/torch/check.py --torch-side $(TORCH_V2_SPECS)); \
	else \
	    echo "check-torch: SKIPPED: no $(TORCH_CHECK_PYTHON), so no torch (apt-get install python3-torch)"; \
	fi
