# tests/bench/bench.mk: benchmarks, not tests (slow numbers never fail them). The top Makefile
# includes this file and provides the rule that builds $(GRADC).
#
#   make bench          gradc's generated code against the reference engine, Eigen (fixed and
#                       dynamic), OpenBLAS (default and OPENBLAS_CORETYPE=SkylakeX) and PyTorch,
#                       on the nets in tests/bench/specs/; tables, correctness gate, and the
#                       README.md section between <!-- bench:begin --> and <!-- bench:end -->
#   make bench-unroll   gradc alone, each net generated with unroll = full, loops and auto: time,
#                       object size and compile time per mode (minutes: a fully unrolled seed3
#                       is ~3 MB of code that gcc -O3 takes minutes to compile)
#   make bench-clean    remove tests/bench/build/
#
# Everything is written under tests/bench/build/. `make -j2 bench` builds faster the first time
# (the Eigen fixed-size programs take a while to compile).

GRADC ?= gen/build/gradc
BENCH_SRC := tests/bench
BENCH_BUILD := tests/bench/build
BENCH_NETS := xor seed3 mlp reg
BENCH_PACKAGES := libeigen3-dev libopenblas-dev g++

BENCH_WARN := -Wall -Wextra
BENCH_FAST := -O3 -march=native
BENCH_PORTABLE := -O2
# Eigen as a user builds it for speed: -DNDEBUG (no eigen_assert bounds checks), and a stack
# allocation limit that holds the GEMM blocking buffers of the 784 x 128 layer, so that the
# dynamic build does not take them from the heap on every product.
# -Wno-(maybe-)uninitialized: gcc 12.2's own AVX-512 intrinsics headers (`__m512 __Y = __Y;`)
# warn wherever Eigen's packet code inlines them (GCC bug 105593, fixed in 12.3).
BENCH_EIGEN := -std=c++17 -isystem /usr/include/eigen3 -DNDEBUG \
    -DEIGEN_STACK_ALLOCATION_LIMIT=1048576 -Wno-uninitialized -Wno-maybe-uninitialized
BENCH_HEADERS := $(BENCH_SRC)/harness.h $(BENCH_SRC)/nets.h
BENCH_GEN_INPUTS := $(wildcard gen/*.lua gen/ops/*.lua gen/kernels/*.lua gen/q8/*.lua templates/* runtime/*)
BENCH_EIGEN_TYPE_xor := XorNet
BENCH_EIGEN_TYPE_seed3 := Seed3Net
BENCH_EIGEN_TYPE_mlp := MlpNet
BENCH_EIGEN_TYPE_reg := RegNet
# Eigen's activation layout per net, whichever measured faster here (1: batch contiguous,
# row-major n x m; 0: column-major n x m, each sample's features contiguous): the batch-contiguous
# one wins by ~10% on seed3 and xor, the other on reg's train step, and mlp does not care.
BENCH_EIGEN_LAYOUT_xor := 1
BENCH_EIGEN_LAYOUT_seed3 := 1
BENCH_EIGEN_LAYOUT_mlp := 0
BENCH_EIGEN_LAYOUT_reg := 0
bench_upper = $(shell echo '$(1)' | tr a-z A-Z)

BENCH_PROGRAMS := \
    $(foreach n,$(BENCH_NETS),$(BENCH_BUILD)/gradc-O3/$(n) $(BENCH_BUILD)/gradc-O2/$(n)) \
    $(foreach n,$(BENCH_NETS),$(BENCH_BUILD)/eigen-fixed/$(n) $(BENCH_BUILD)/eigen-dynamic/$(n)) \
    $(BENCH_BUILD)/openblas $(BENCH_BUILD)/report $(BENCH_BUILD)/ref $(BENCH_BUILD)/peak

.PHONY: bench bench-programs bench-unroll bench-clean deps-bench

bench-programs: $(BENCH_PROGRAMS)

deps-bench:
	@sh gen/deps.sh $(BENCH_PACKAGES)

# The programs are built by a sub-make with -j2 unless this make already runs parallel jobs
# (the Eigen fixed-size programs dominate a first build).
bench: $(GRADC) deps-bench
	@$(MAKE) --no-print-directory -f $(firstword $(MAKEFILE_LIST)) \
		$(if $(findstring -j,$(MAKEFLAGS)),,-j2) bench-programs
	@BENCH_CC='$(CC)' BENCH_CXX='$(CXX)' sh $(BENCH_SRC)/run.sh $(BENCH_BUILD) README.md

bench-clean:
	rm -rf $(BENCH_BUILD)

# gradc's code for one net: tests/bench/build/gen/<net>/.
$(BENCH_BUILD)/gen/%.stamp: $(BENCH_SRC)/specs/%.lua $(GRADC) $(BENCH_GEN_INPUTS)
	@mkdir -p $(@D)
	$(GRADC) --out $(BENCH_BUILD)/gen $< > /dev/null
	@touch $@

# $(1) = build name, $(2) = its flags, $(3) = net: the generated code and the harness for one net.
define BENCH_GRADC_PROGRAM
$(BENCH_BUILD)/gradc-$(1)/$(3): $(BENCH_SRC)/bench_gradc.c $(BENCH_SRC)/harness.c $(BENCH_HEADERS) \
		$(BENCH_BUILD)/gen/$(3).stamp
	@mkdir -p $$(@D)
	$$(CC) -std=c99 $(2) $$(BENCH_WARN) -I$(BENCH_BUILD)/gen/$(3) -DNET=$(3) \
		-DNET_UPPER=$(call bench_upper,$(3)) '-DNET_HEADER="$(3).h"' '-DBENCH_FLAGS="$(2)"' \
		$(BENCH_SRC)/bench_gradc.c $(BENCH_SRC)/harness.c $(BENCH_BUILD)/gen/$(3)/*.c -lm -o $$@
endef
$(foreach n,$(BENCH_NETS),$(eval $(call BENCH_GRADC_PROGRAM,O3,$(BENCH_FAST),$(n))))
$(foreach n,$(BENCH_NETS),$(eval $(call BENCH_GRADC_PROGRAM,O2,$(BENCH_PORTABLE),$(n))))

$(BENCH_BUILD)/harness-fast.o: $(BENCH_SRC)/harness.c $(BENCH_HEADERS)
	@mkdir -p $(@D)
	$(CC) -std=c99 $(BENCH_FAST) $(BENCH_WARN) -c $< -o $@

# Eigen: $(1) = fixed or dynamic, $(2) = 1 or 0, $(3) = net. One program per net: the fixed-size
# ones take 5-20 s each to compile, and -j builds them in parallel.
define BENCH_EIGEN_PROGRAM
$(BENCH_BUILD)/eigen-$(1)/$(3): $(BENCH_SRC)/bench_eigen.cpp $(BENCH_BUILD)/harness-fast.o \
		$(BENCH_HEADERS) | deps-bench
	@mkdir -p $$(@D)
	$$(CXX) $$(BENCH_EIGEN) $$(BENCH_FAST) $$(BENCH_WARN) -DBENCH_EIGEN_FIXED=$(2) \
		-DBENCH_BATCH_CONTIGUOUS=$(BENCH_EIGEN_LAYOUT_$(3)) -DEIGEN_NET_TYPE=$(BENCH_EIGEN_TYPE_$(3)) \
		'-DEIGEN_NET_NAME="$(3)"' $$< $(BENCH_BUILD)/harness-fast.o -o $$@
endef
$(foreach n,$(BENCH_NETS),$(eval $(call BENCH_EIGEN_PROGRAM,fixed,1,$(n))))
$(foreach n,$(BENCH_NETS),$(eval $(call BENCH_EIGEN_PROGRAM,dynamic,0,$(n))))

$(BENCH_BUILD)/openblas: $(BENCH_SRC)/bench_openblas.c $(BENCH_SRC)/harness.c $(BENCH_HEADERS) \
		| deps-bench
	@mkdir -p $(@D)
	$(CC) -std=c99 $(BENCH_FAST) $(BENCH_WARN) $< $(BENCH_SRC)/harness.c -lopenblas -lm -o $@

# This core's FMA peak, with the flags gradc's fast build uses.
$(BENCH_BUILD)/peak: $(BENCH_SRC)/peak.c
	@mkdir -p $(@D)
	$(CC) -std=c99 -O2 $(BENCH_FAST) $(BENCH_WARN) $< -o $@

$(BENCH_BUILD)/report: $(BENCH_SRC)/report.c $(BENCH_SRC)/nets.h
	@mkdir -p $(@D)
	$(CC) -std=c99 -O2 $(BENCH_WARN) $< -lm -o $@

# The reference engine belongs to the test suite and may change under us: when it does not
# build against this adapter, the recipe leaves no program, and run.sh notes that and skips the
# column instead of failing the benchmark.
$(BENCH_BUILD)/ref: $(BENCH_SRC)/bench_ref.c $(BENCH_SRC)/harness.c $(BENCH_HEADERS) \
		$(wildcard tests/ref/ref.c tests/ref/ref.h)
	@mkdir -p $(@D)
	@if $(CC) -std=c99 $(BENCH_FAST) $(BENCH_WARN) $(BENCH_SRC)/bench_ref.c tests/ref/ref.c \
		$(BENCH_SRC)/harness.c -lm -o $@ > $(BENCH_BUILD)/ref-build.log 2>&1; \
	then cat $(BENCH_BUILD)/ref-build.log; \
	else rm -f $@; echo "bench: the reference engine did not build; its column is skipped:"; \
	    cat $(BENCH_BUILD)/ref-build.log; fi

# bench-unroll: every net in every unroll mode, generated from spec copies.
bench-unroll: $(GRADC)
	@BENCH_CC='$(CC)' sh $(BENCH_SRC)/unroll.sh $(GRADC) $(BENCH_BUILD)/unroll '$(BENCH_FAST)' \
		$(foreach n,$(BENCH_NETS),$(BENCH_SRC)/specs/$(n).lua)
