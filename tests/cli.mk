# tests/cli.mk: the hostile-input suite ("untrusted specs"). Included by the top Makefile, which
# defines GRADC (and the rule that builds it), CC and deps-test.
#
#   make check-cli      bad specs (tests/bad_specs/), good edge-case specs (tests/cli/good/), command
#                       line checks, 3000 seeded fuzz cases, 300 of them under ASan/UBSan/LSan
#   make fuzz           libFuzzer on the host for FUZZ_SECONDS (default 600), in fork mode
#
# Everything is written under tests/build/ or in mktemp folders the scripts remove.

GRADC ?= gen/build/gradc
FUZZ_SECONDS ?= 600
FUZZ_JOBS ?= $(shell nproc 2>/dev/null || echo 2)

# The host binaries must sit at <root>/X/Y/<binary>: outside an installation (bin/ next to
# share/gradc) the host finds the project root three path
# components above its own executable.
GRADC_ASAN := tests/build/gradc_asan
GRADC_LIBFUZZER := tests/build/gradc_libfuzzer
CLI_LUA_LIBDIR = $(shell pkg-config --variable=libdir lua5.4)
CLI_LUA_CFLAGS = $(shell pkg-config --cflags lua5.4)
CLI_LUA_LIBS = $(CLI_LUA_LIBDIR)/liblua5.4-filesystem.a $(CLI_LUA_LIBDIR)/liblua5.4.a -lm -ldl
CLI_SAN_FLAGS := -std=c11 -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=undefined
FUZZ_CORPUS := tests/build/fuzz/corpus
FUZZ_ARTIFACTS := tests/build/fuzz/artifacts
FUZZ_TMP := tests/build/fuzz/tmp
# Seeds for libFuzzer: the valid specs and the quick bad ones (the endless ones cost 1-2 s each).
FUZZ_SEEDS = $(wildcard specs/*.lua tests/cli/good/*.lua) \
	$(filter-out $(wildcard tests/bad_specs/loop_*.lua tests/bad_specs/pattern_*.lua \
	tests/bad_specs/slow_*.lua tests/bad_specs/mem_many_*.lua), $(wildcard tests/bad_specs/*.lua))

.PHONY: check-cli fuzz

check-cli: $(GRADC) $(GRADC_ASAN)
	@sh tests/cli/run_all.sh $(GRADC) $(GRADC_ASAN)

# The host with AddressSanitizer, LeakSanitizer and UBSan ($(CC): gcc's sanitizers come with gcc).
$(GRADC_ASAN): gen/main.c gen/host.c gen/host.h | deps-gen
	@mkdir -p $(@D)
	$(CC) $(CLI_SAN_FLAGS) $(CLI_LUA_CFLAGS) -o $@ gen/main.c gen/host.c $(CLI_LUA_LIBS)

# libFuzzer needs clang and its runtime (libclang-rt-14-dev, only recommended by clang on Debian).
$(GRADC_LIBFUZZER): tests/fuzz/libfuzzer.c gen/host.c gen/host.h | deps-gen
	@sh gen/deps.sh clang libclang-rt-14-dev
	@mkdir -p $(@D)
	clang $(CLI_SAN_FLAGS) -fsanitize=fuzzer -Wall -Wextra -Werror -Igen $(CLI_LUA_CFLAGS) -o $@ \
		tests/fuzz/libfuzzer.c gen/host.c $(CLI_LUA_LIBS)

# Fork mode keeps going when an input makes the host's CPU timer _exit(1) (see libfuzzer.c); real
# crashes, leaks and timeouts are still written to $(FUZZ_ARTIFACTS)/, and any there fail the run.
fuzz: $(GRADC_LIBFUZZER)
	@mkdir -p $(FUZZ_CORPUS) $(FUZZ_ARTIFACTS) $(FUZZ_TMP)
	@cp $(FUZZ_SEEDS) $(FUZZ_CORPUS)/
	@rm -rf $(FUZZ_ARTIFACTS)/* $(FUZZ_TMP)/*
	TMPDIR=$(CURDIR)/$(FUZZ_TMP) $(GRADC_LIBFUZZER) -fork=$(FUZZ_JOBS) -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
		-max_total_time=$(FUZZ_SECONDS) -timeout=10 -close_fd_mask=3 -dict=tests/fuzz/spec.dict \
		-artifact_prefix=$(FUZZ_ARTIFACTS)/ $(FUZZ_CORPUS)
	@rm -rf $(FUZZ_TMP)
	@if [ -n "$$(ls -A $(FUZZ_ARTIFACTS))" ]; then \
		echo "fuzz: findings in $(FUZZ_ARTIFACTS)/ (reproduce: $(GRADC_LIBFUZZER) FILE):"; \
		ls $(FUZZ_ARTIFACTS); exit 1; \
	fi; \
	echo "fuzz: $(FUZZ_SECONDS) s, no crash, leak, timeout or out-of-memory; corpus in $(FUZZ_CORPUS)/"
