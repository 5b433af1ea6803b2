# tests/models.mk: builds and runs the generated-model test program. `make check-models`
# (tests/tests.mk) runs it after tests/cases.lua has written $(CASES)/cases.mk, which sets
# GM_CASES (the case names), GM_CONV_CASES (the conv family) and, per case, GM_SPEC_<name> and
# GM_UNAME_<name>.

TESTS_BUILD ?= tests/build
CASES := $(TESTS_BUILD)/cases
GEN := $(TESTS_BUILD)/gen
OBJ := $(TESTS_BUILD)/obj

include $(CASES)/cases.mk

# The dense family and the conv family (GM_CONV_CASES: conv / pool / batchnorm nets) run as one
# program; the reference engine also checks its own gradients on every conv case
# (ref_conv_cases.o).
MODEL_CASES := $(GM_CASES) $(GM_CONV_CASES)
MAIN_OBJ := $(OBJ)/main.o
PROGRAM := $(TESTS_BUILD)/check_models

# Generated code must compile warning-free at this bar (C99); the harness and the
# reference engine are held to the same one. (-fno-var-tracking only saves compile time: see
# SANITIZE in tests/checks.mk.)
MODEL_CFLAGS := -std=c99 -O1 -g -fno-var-tracking -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Werror
TEST_CFLAGS := $(MODEL_CFLAGS) -MMD -MP $(shell pkg-config --cflags cmocka) \
	-Itests -Itests/ref -I$(CASES)
TEST_LIBS := $(shell pkg-config --libs cmocka) -lm

# What the generator's output depends on: its binary and everything it loads at run time.
GENERATOR := $(GRADC) $(wildcard gen/*.lua gen/*/*.lua templates/* runtime/*)

MODEL_STAMPS := $(MODEL_CASES:%=$(OBJ)/%/model.stamp)
HARNESS_OBJS := $(MODEL_CASES:%=$(OBJ)/%/harness.o)
SUITE_OBJS := $(MAIN_OBJ) $(addprefix $(OBJ)/,ref.o testlib.o ref_test.o xor_train.o ref_conv_cases.o)

.PHONY: run
.DELETE_ON_ERROR:
.SECONDEXPANSION:

run: $(PROGRAM)
	./$(PROGRAM)

# One program for all models: it also proves the models link together without clashing symbols.
$(PROGRAM): $(SUITE_OBJS) $(HARNESS_OBJS) $(MODEL_STAMPS)
	@echo "$(CC) -o $@ ... ($(words $(MODEL_CASES)) models) $(TEST_LIBS)"
	@$(CC) -o $@ $(SUITE_OBJS) $(HARNESS_OBJS) \
		$(foreach case,$(MODEL_CASES),$(OBJ)/$(case)/model/*.o) $(TEST_LIBS)

# One model: generate it afresh, then compile every .c the generator wrote (the set of files is
# the generator's business, so it is globbed, not listed).
$(OBJ)/%/model.stamp: $$(GM_SPEC_$$*) $(GENERATOR)
	@rm -rf $(GEN)/$* $(OBJ)/$*/model
	@mkdir -p $(OBJ)/$*/model
	$(GRADC) --out $(GEN) $< > $(OBJ)/$*/gradc.log
	@for src in $(GEN)/$*/*.c; do \
		echo "$(CC) $(MODEL_CFLAGS) -c $$src"; \
		$(CC) $(MODEL_CFLAGS) -c $$src -o $(OBJ)/$*/model/$$(basename $$src .c).o || exit 1; \
	done
	@touch $@

$(OBJ)/%/harness.o: tests/harness.c $(OBJ)/%/model.stamp $(CASES)/%_case.h
	$(CC) $(TEST_CFLAGS) -I$(GEN)/$* -DGM_NAME=$* -DGM_UNAME=$(GM_UNAME_$*) -c $< -o $@

$(OBJ)/xor_train.o: TEST_CFLAGS += -I$(GEN)/xor
$(OBJ)/xor_train.o: $(OBJ)/xor/model.stamp
$(OBJ)/main.o: tests/main.c $(CASES)/models.def $(CASES)/conv_models.def
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -c $< -o $@

# Every conv case header, compiled together for the reference engine's own checks.
$(OBJ)/ref_conv_cases.o: $(CASES)/ref_conv_cases.c
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -c $< -o $@

$(OBJ)/%.o: tests/%.c
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -c $< -o $@

$(OBJ)/%.o: tests/ref/%.c
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -c $< -o $@

-include $(wildcard $(OBJ)/*.d $(OBJ)/*/*.d)
