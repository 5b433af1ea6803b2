# tests/q8/q8_models.mk: the int8 comparison per case (make check-q8-ref runs it after
# tests/q8/q8_cases.lua has written $(Q8_BUILD)/cases/q8_cases.mk: Q8_CASES, Q8_SPEC_<name>,
# Q8_UNAME_<name>).
include $(Q8_BUILD)/cases/q8_cases.mk

.PHONY: run
.DELETE_ON_ERROR:
.SECONDEXPANSION:

CC ?= cc
Q8_GENERATOR := $(GRADC) $(wildcard gen/*.lua gen/*/*.lua templates/* runtime/*)
Q8_CHECK := $(Q8_BUILD)/q8_check
STRICT_FLAGS := -std=c99 -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Werror
# The flag sets users build with (compiler:flags, ':' for spaces), then one sanitized build. The
# random families' many small nets take three of them (what a flag set changes is per layer kind's
# code, which the examples and hand-made specs already show under all five): the compile time is
# most of this check's time.
# The dot product's paths (gen/q8/code.lua): at -O2 without -march the runtime dispatch (AVX2 where
# the CPU has it, else plain C); plain C sanitized (GRADC_NO_DISPATCH); on this CPU's
# -march=native AVX-512 VNNI where it has it; AVX2 alone (VPMADDWD, -march=x86-64-v3) under
# ASan/UBSan, which also checks its vector loads, where the CPU has AVX2, and with gcc -O2 (the
# build in which gcc 12 refused the eight-row kernel's rows of 40 and 56 inputs, which -O3 and
# the dispatched build had compiled: tests/q8/ref_specs/q8_x86_widths.lua).
Q8_SANITIZE := -fsanitize=address,undefined:-fno-sanitize-recover=all:-fno-omit-frame-pointer
Q8_SANITIZED := gcc:-O1:-g:-DGRADC_NO_DISPATCH:$(Q8_SANITIZE)
Q8_HAS_AVX2 := $(shell grep -qw avx2 /proc/cpuinfo 2>/dev/null && echo yes)
Q8_AVX2 := $(if $(Q8_HAS_AVX2),clang:-O2:-g:-march=x86-64-v3:$(Q8_SANITIZE))
Q8_GCC_AVX2 := $(if $(Q8_HAS_AVX2),gcc:-O2:-march=x86-64-v3)
Q8_FLAG_SETS := gcc:-O2 gcc:-O3:-march=native clang:-O2 clang:-O3:-march=native $(Q8_SANITIZED) $(Q8_AVX2) \
    $(Q8_GCC_AVX2)
Q8_RANDOM_FLAG_SETS := gcc:-O2 clang:-O3:-march=native $(Q8_SANITIZED) $(Q8_AVX2)

run: $(Q8_CASES:%=$(Q8_BUILD)/%/done)
	@echo "check-q8-ref: $(words $(Q8_CASES)) nets: net_q8_infer equals the reference's int8 inference byte for byte on 300 inputs each, under $(words $(Q8_FLAG_SETS)) compiler and flag sets ($(words $(Q8_RANDOM_FLAG_SETS)) for the random families)"

$(Q8_CHECK): tests/q8/q8_check.c $(Q8_BUILD)/cases/q8_cases.c tests/ref/ref.c tests/ref/ref_q8.c \
		tests/ref/ref.h tests/ref/ref_q8.h tests/q8/q8_cases.h
	$(CC) $(Q8_TOOL_CFLAGS) tests/q8/q8_check.c $(Q8_BUILD)/cases/q8_cases.c tests/ref/ref.c \
	    tests/ref/ref_q8.c -o $@ -lm

# One case: float weights and calibration rows, the int8 build, its driver under every flag set,
# the comparison. The weights file needs the architecture hash, read from the float build's header.
$(Q8_BUILD)/%/done: $$(Q8_SPEC_$$*) $(Q8_GENERATOR) $(Q8_CHECK) tests/q8/q8_drive.c
	@rm -rf $(@D) && mkdir -p $(@D)
	@$(GRADC) --out $(@D)/float $< > $(@D)/gradc.log
	@hash=$$(sed -n 's/.*_ARCH_HASH *UINT64_C(\(0x[0-9a-fA-F]*\)).*/\1/p' $(@D)/float/$*/$*.h) && \
	    $(Q8_CHECK) prepare $* $$hash $(@D)/weights.bin $(@D)/calib.csv
	@$(GRADC) --out $(@D)/gen --weights $(@D)/weights.bin --quant int8 --calib $(@D)/calib.csv $< \
	    >> $(@D)/gradc.log
	@$(Q8_CHECK) inputs $* $(@D)/gen/$*/$*_q8_calib.txt $(@D)/inputs.bin $(@D)/inputs_f.bin
	@k=0; outs=; failed=0; for set in $(if $(Q8_RANDOM_$*),$(Q8_RANDOM_FLAG_SETS),$(Q8_FLAG_SETS)); do \
	    k=$$((k + 1)); cc=$${set%%:*}; flags=$$(echo "$${set#*:}" | tr : ' '); \
	    if ! $$cc $(STRICT_FLAGS) $$flags -DQ8_NAME=$* -DQ8_UNAME=$(Q8_UNAME_$*) -I$(@D)/gen/$* \
	        tests/q8/q8_drive.c $(@D)/gen/$*/$*_q8.c $(@D)/gen/$*/$*_qinfer.c -o $(@D)/drive$$k; then \
	        echo "check-q8-ref: $*: $$cc $$flags does not compile $*_q8.c"; failed=1; \
	    elif ! $(@D)/drive$$k $(@D)/inputs.bin $(@D)/out$$k.bin $(@D)/out$$k.txt $(@D)/inputs_f.bin \
	        $(@D)/out$${k}_f.bin; then \
	        echo "check-q8-ref: $*: net_q8_infer failed under $$cc $$flags"; failed=1; \
	    else \
	        outs="$$outs $(@D)/out$$k.bin"; \
	    fi; \
	done; \
	if [ -n "$$outs" ]; then \
	    $(Q8_CHECK) compare $* $(@D)/weights.bin $(@D)/calib.csv $(@D)/gen/$*/$*_q8_calib.txt \
	        $(@D)/inputs.bin $$outs || failed=1; \
	fi; \
	exit $$failed
	@touch $@
