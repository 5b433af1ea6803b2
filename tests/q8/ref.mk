# tests/q8/ref.mk: make check-q8-ref, the generated int8 code against the reference engine's int8
# mode (tests/ref/ref_q8.c), which implements the scheme independently.
#   1. tests/q8/test_requant.c (under ASan/UBSan): the reference's requantization arithmetic
#      against exact 128-bit rational roundings and hand-derived edge cases (CMocka).
#   2. tests/q8/q8_models.mk, for every float spec in specs/, tests/q8/specs/ (q8-gen's) and
#      tests/q8/ref_specs/ (hand-made: folding, int32 saturation), the whole conv family and seven
#      dense-family nets of tests/cases.lua (in float): random weights and calibration rows,
#      gradc --quant int8, the record against the reference's own double calibration, the
#      generated net_q8_infer and net_qinfer built under gcc and clang at -O2 (plain C) and -O3
#      -march=native (AVX-512 VNNI where the CPU has it), under ASan/UBSan, and with AVX2 alone
#      (-march=x86-64-v3, sanitized), and every output on 300 int8 and 120 float inputs against
#      the reference (tests/q8/q8_check.c).
.PHONY: check-q8-ref

Q8_BUILD := tests/build/q8ref
Q8_TOOL_CFLAGS := -std=c99 -O1 -g -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Werror \
	-Itests/ref -Itests/q8
Q8_REF_SOURCES := tests/ref/ref.c tests/ref/ref_q8.c tests/ref/ref_q8.h tests/ref/ref.h
# Seven of the dense family (small MLPs of every activation, as the examples are); the conv
# family whole (every layer kind, padding, stride, dilation, grouping, batchnorm placement).
Q8_DENSE_CASES := 00 04 12 20 28 36 39
Q8_CONV_CASES := 00 01 02 03 04 05 06 07 08 09 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31

# Under ASan and UBSan: the reference's shifts and the test's 128-bit arithmetic must be defined C.
$(Q8_BUILD)/test_requant: tests/q8/test_requant.c $(Q8_REF_SOURCES)
	@mkdir -p $(@D)
	$(CC) $(Q8_TOOL_CFLAGS) -fsanitize=address,undefined -fno-sanitize-recover=all $(shell pkg-config --cflags cmocka) \
	    tests/q8/test_requant.c tests/ref/ref_q8.c tests/ref/ref.c \
	    -o $@ $(shell pkg-config --libs cmocka) -lm

check-q8-ref: $(GRADC) $(Q8_BUILD)/test_requant
	@$(Q8_BUILD)/test_requant
	@mkdir -p $(Q8_BUILD)/family $(Q8_BUILD)/cases
	@lua5.4 tests/cases.lua $(Q8_BUILD)/family > /dev/null
	@lua5.4 tests/q8/q8_cases.lua $(Q8_BUILD)/cases $(sort $(wildcard specs/*.lua tests/q8/specs/*.lua tests/q8/ref_specs/*.lua)) -- \
	    $(Q8_CONV_CASES:%=$(Q8_BUILD)/family/cnv%.lua) $(Q8_DENSE_CASES:%=$(Q8_BUILD)/family/rnd%.lua)
	@$(MAKE) --no-print-directory -f tests/q8/q8_models.mk GRADC='$(GRADC)' Q8_BUILD='$(Q8_BUILD)' \
	    Q8_TOOL_CFLAGS='$(Q8_TOOL_CFLAGS)' run
