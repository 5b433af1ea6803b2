# tests/tests.mk: the generated-model test suite. The top Makefile includes this file (after it
# defines GRADC, or the default below is used) and provides the rule that builds $(GRADC).
#
#   make check-models   write the test cases, generate a model for each, compile them with the
#                       CMocka harness into ONE program, and run it
#   make tests-clean    remove what this suite writes under tests/build/

GRADC ?= gen/build/gradc
TESTS_BUILD := tests/build
TESTS_CASES := $(TESTS_BUILD)/cases
# and the learning-rate schedule specs of check-torch, whose 3 train steps cross the schedules'
# boundaries, against the reference engine's schedules; and the standardization cases
TESTS_SPECS := $(sort $(wildcard specs/*.lua)) $(sort $(wildcard tests/torch/specs/schedule_*.lua)) \
	$(sort $(wildcard tests/standardize/*.lua))

.PHONY: check-models tests-clean

# The list of cases exists only after tests/cases.lua has run, so the models are built by a second
# make over tests/models.mk, which includes the list; $(MAKE) shares this make's -j job slots.
check-models: $(GRADC)
	@mkdir -p $(TESTS_CASES)
	lua5.4 tests/cases.lua $(TESTS_CASES) $(TESTS_SPECS)
	@$(MAKE) --no-print-directory -f tests/models.mk GRADC='$(GRADC)' CC='$(CC)' \
		TESTS_BUILD='$(TESTS_BUILD)' run

tests-clean:
	rm -rf $(TESTS_CASES) $(TESTS_BUILD)/gen $(TESTS_BUILD)/obj $(TESTS_BUILD)/check_models
