# tests/cross/cross.mk: deployment builds for a Cortex-M4F and a Cortex-M0 (no FPU), and for RISC-V
# rv32imf and rv32imac (no FPU), run under QEMU; and the PyTorch/NumPy weights converter. Included
# by the top Makefile (which defines GRADC and the rule that builds it).
#
#   make deps-cross                        install the cross compilers, newlib, picolibc, QEMU and
#                                          lua5.4 (Debian)
#   make cross SPEC=net.lua [WEIGHTS=f] [CALIB=csv]
#                                          generate, cross-compile (Cortex-M4F and rv32imf: training
#                                          and inference-only builds; Cortex-M0 and rv32imac:
#                                          inference-only; all four: int8 from WEIGHTS and CALIB),
#                                          print sizes, run under QEMU, compare with the host, print
#                                          instructions per call and per multiply-add (RISC-V only
#                                          when its tools are installed)
#   make check-cross                       the same for the specs below, after checking that its
#                                          checkers can fail (selftest.sh); fails on any mismatch
#                                          (int8: any byte), on a float image with double or libm
#                                          double code, on an int8 M0 object with float or libm
#                                          code, on a spec that no longer fits the micro:bit, or on
#                                          a call needing more stack than its header says (the same
#                                          on RISC-V for CROSS_RISCV_SPECS), on seed3 or xor
#                                          needing as many instructions as CMSIS-DSP, or on an
#                                          int8 build needing as many as its float one on the
#                                          Cortex-M4F or more than its measured count (budget.sh);
#                                          skips (saying so) when the cross tools are not installed
#   make cross-table                       measure every example spec: the README's tables
#   make check-torch2gradc                 test gen/tools/torch2gradc.py (skips without torch)
.PHONY: deps-cross cross check-cross cross-table check-torch2gradc

GRADC ?= gen/build/gradc
SPEC ?= specs/xor.lua
CROSS_PACKAGES := gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm \
	gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf qemu-system-misc lua5.4
# make test's dependency step (deps-test) installs them too, so that check-cross runs in the suite
# rather than skipping.
TEST_PACKAGES += $(filter-out $(TEST_PACKAGES),$(CROSS_PACKAGES))
CROSS_BUILD := tests/build/cross
# tests/cross/conv_layouts.lua and conv1d_layouts.lua hold every layout of the int8 convolutions'
# pair kernel (gen/ops/conv.lua), whose Cortex-M4F results are compared with the host's here.
CROSS_CHECK_SPECS := specs/xor.lua specs/reg.lua specs/seed3.lua specs/softmax.lua specs/digits.lua \
	specs/digits_cnn.lua tests/size/deep16_b1.lua tests/torch/specs/schedule_step_sgd.lua \
	tests/torch/specs/schedule_cosine_adam.lua tests/cross/conv_layouts.lua tests/cross/conv1d_layouts.lua
# The RISC-V part of check-cross runs on these only (each spec adds 5 to 35 s, median about 10, on
# a loaded machine): digits (float with the ce loss, so picolibc's logf, training and int8 on both
# cores), digits_cnn (the convolution kernels) and softmax (a double model: software double on
# both cores). The others are the Cortex-M part's; make cross runs any spec on RISC-V.
CROSS_RISCV_SPECS := specs/softmax.lua specs/digits.lua specs/digits_cnn.lua
CROSS_TABLE_SPECS := specs/xor.lua specs/logistic.lua specs/seed3.lua specs/reg.lua specs/softmax.lua \
	specs/digits.lua specs/digits_cnn.lua
# lua5.4 (make deps-test) turns a spec into the reference engine's descriptor.
CROSS_TOOLS := arm-none-eabi-gcc qemu-system-arm lua5.4
CROSS_MISSING = $(strip $(foreach tool,$(CROSS_TOOLS),$(if $(shell command -v $(tool)),,$(tool))))
CROSS_RISCV_TOOLS := riscv64-unknown-elf-gcc qemu-system-riscv32
CROSS_RISCV_MISSING = $(strip $(foreach tool,$(CROSS_RISCV_TOOLS),$(if $(shell command -v $(tool)),,$(tool))))
CROSS_RUN = GRADC='$(GRADC)' HOST_CC='$(CC)' CROSS_BUILD='$(CROSS_BUILD)' sh tests/cross/cross.sh
# Debian's interpreter: the python3 first on PATH may be another one, without torch.
TORCH_PYTHON := /usr/bin/python3

deps-cross:
	@sh gen/deps.sh $(CROSS_PACKAGES)

cross: $(GRADC)
	@$(CROSS_RUN) $(call quote,$(SPEC)) $(call quote,$(WEIGHTS)) $(call quote,$(CALIB))

check-cross: $(GRADC)
	@if [ -n "$(CROSS_MISSING)" ]; then \
	    echo "check-cross: SKIPPED: $(CROSS_MISSING) not installed (make deps-cross)"; \
	else \
	    riscv=require; \
	    if [ -n "$(CROSS_RISCV_MISSING)" ]; then \
	        riscv=no; \
	        echo "check-cross: RISC-V part SKIPPED: $(CROSS_RISCV_MISSING) not installed (make deps-cross)"; \
	    fi; \
	    CROSS_RISCV=$$riscv HOST_CC='$(CC)' CROSS_BUILD='$(CROSS_BUILD)' sh tests/cross/selftest.sh || exit 1; \
	    rm -rf $(CROSS_BUILD)/.rv_symbols && mkdir -p $(CROSS_BUILD)/.rv_symbols; \
	    for spec in $(CROSS_CHECK_SPECS); do \
	        case " $(CROSS_RISCV_SPECS) " in *" $$spec "*) spec_riscv=$$riscv ;; *) spec_riscv=no ;; esac; \
	        CROSS_M0=require CROSS_RISCV=$$spec_riscv RV_SYMBOLS_CACHE=$(CROSS_BUILD)/.rv_symbols \
	            $(CROSS_RUN) $$spec || exit 1; \
	    done; \
	    sh tests/cross/budget.sh $(CROSS_BUILD) || exit 1; \
	    echo "check-cross: $(words $(CROSS_CHECK_SPECS)) passed, 0 failed"; \
	fi

# (The example specs' file names are their model names, which table.sh looks results up by.)
cross-table: $(GRADC)
	@mkdir -p $(CROSS_BUILD)
	@set -e; for spec in $(CROSS_TABLE_SPECS); do \
	    $(CROSS_RUN) $$spec > $(CROSS_BUILD)/$$(basename $$spec .lua).log 2>&1 \
	        || { cat $(CROSS_BUILD)/$$(basename $$spec .lua).log; exit 1; }; \
	done
	@sh tests/cross/table.sh $(CROSS_BUILD) $(foreach spec,$(CROSS_TABLE_SPECS),$(basename $(notdir $(spec)))) \
	    | tee $(CROSS_BUILD)/table.md

check-torch2gradc: $(GRADC)
	@if $(TORCH_PYTHON) -c 'import torch' 2> /dev/null; then \
	    $(TORCH_PYTHON) tests/cross/test_torch2gradc.py '$(GRADC)' $(CROSS_BUILD)/torch2gradc '$(CC)'; \
	else \
	    echo "check-torch2gradc: SKIPPED: $(TORCH_PYTHON) cannot import torch (apt-get install python3-torch)"; \
	fi
