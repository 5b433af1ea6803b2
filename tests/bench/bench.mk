# tests/bench/bench.mk: benchmarks, not tests (slow numbers never fail them). The top Makefile
# includes this file and provides the rule that builds $(GRADC).
#
#   make bench          gradc's generated code against the reference engine, Eigen (fixed and
#                       dynamic), OpenBLAS (default and OPENBLAS_CORETYPE=SkylakeX), LIBXSMM,
#                       oneDNN, XNNPACK (inference) and PyTorch, on the nets in
#                       tests/bench/specs/; tables, correctness gate, and the
#                       README.md section between <!-- bench:begin --> and <!-- bench:end -->
#   make bench-conv     the conv nets alone (tests/bench/conv/specs/: cnn8, kws): gradc -O3
#                       -march=native and -O2 against PyTorch, oneDNN and XNNPACK (inference);
#                       correctness gate, tables, and the README.md section between
#                       <!-- bench-conv:begin --> and <!-- bench-conv:end --> (`make bench` runs
#                       them too, after the dense nets in each pass)
#   make check-bench-conv  (part of `make test`, seconds) the conv report on made-up results:
#                       its correctness gate, its ratios and its README update
#   make check-bench    (part of `make test`, seconds) the same for the dense report: its gate
#                       (inference-only peers on J), its best peer over all peers, its ratios,
#                       its per-peer table and its README update
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
BENCH_PACKAGES := libeigen3-dev libopenblas-dev g++ libdnnl-dev libxnnpack-dev \
    libpthreadpool-dev libxsmm-dev python3-torch

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
BENCH_HEADERS := $(BENCH_SRC)/harness.h $(BENCH_SRC)/nets.h $(BENCH_SRC)/bench_util.h
# What every dense program links: the protocol and the helpers it shares with the conv bench.
BENCH_HARNESS := $(BENCH_SRC)/harness.c $(BENCH_SRC)/bench_util.c
# The C peers' shared loops (everything but the products).
BENCH_LOOPS := $(BENCH_SRC)/dense_loops.c $(BENCH_SRC)/dense_loops.h
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

# The conv benchmark (tests/bench/conv/). The oneDNN and XNNPACK programs are built only when
# their source file is in the tree, and a failed build leaves no program (run.sh then notes it
# and skips the column) instead of failing the benchmark.
BENCH_CONV_SRC := $(BENCH_SRC)/conv
BENCH_CONV_BUILD := $(BENCH_BUILD)/conv
BENCH_CONV_NETS := cnn8 kws
BENCH_CONV_HEADERS := $(BENCH_CONV_SRC)/conv_harness.h $(BENCH_CONV_SRC)/conv_nets.h \
    $(BENCH_SRC)/bench_util.h
BENCH_CONV_PEERS := \
    $(if $(wildcard $(BENCH_CONV_SRC)/bench_dnnl.cpp),$(BENCH_CONV_BUILD)/dnnl) \
    $(if $(wildcard $(BENCH_CONV_SRC)/bench_xnnpack.c),$(BENCH_CONV_BUILD)/xnnpack)
BENCH_CONV_PROGRAMS := $(BENCH_CONV_BUILD)/report $(BENCH_CONV_PEERS) \
    $(foreach n,$(BENCH_CONV_NETS),$(BENCH_CONV_BUILD)/gradc-O3/$(n)) \
    $(foreach n,$(BENCH_CONV_NETS),$(BENCH_CONV_BUILD)/gradc-O2/$(n))

BENCH_PROGRAMS := $(BENCH_CONV_PROGRAMS) \
    $(foreach n,$(BENCH_NETS),$(BENCH_BUILD)/gradc-O3/$(n) $(BENCH_BUILD)/gradc-O2/$(n)) \
    $(foreach n,$(BENCH_NETS),$(BENCH_BUILD)/eigen-fixed/$(n) $(BENCH_BUILD)/eigen-dynamic/$(n)) \
    $(BENCH_BUILD)/openblas $(BENCH_BUILD)/libxsmm $(BENCH_BUILD)/dnnl $(BENCH_BUILD)/xnnpack \
    $(BENCH_BUILD)/report $(BENCH_BUILD)/ref $(BENCH_BUILD)/peak

.PHONY: bench bench-programs bench-conv bench-conv-programs check-bench check-bench-conv \
    bench-unroll bench-q8 check-bench-q8 \
    bench-clean deps-bench

bench-programs: $(BENCH_PROGRAMS)
bench-conv-programs: $(BENCH_CONV_PROGRAMS)

deps-bench:
	@sh gen/deps.sh $(BENCH_PACKAGES)

# The programs are built by a sub-make with -j2 unless this make already runs parallel jobs
# (the Eigen fixed-size programs dominate a first build).
bench: $(GRADC) deps-bench
	@$(MAKE) --no-print-directory -f $(firstword $(MAKEFILE_LIST)) \
		$(if $(findstring -j,$(MAKEFLAGS)),,-j2) bench-programs
	@BENCH_CC='$(CC)' BENCH_CXX='$(CXX)' sh $(BENCH_SRC)/run.sh $(BENCH_BUILD) README.md

bench-conv: $(GRADC) deps-bench
	@$(MAKE) --no-print-directory -f $(firstword $(MAKEFILE_LIST)) bench-conv-programs
	@BENCH_CC='$(CC)' BENCH_CXX='$(CXX)' sh $(BENCH_SRC)/run.sh $(BENCH_BUILD) README.md conv

bench-clean:
	rm -rf $(BENCH_BUILD)

# gradc's code for one net: tests/bench/build/gen/<net>/.
$(BENCH_BUILD)/gen/%.stamp: $(BENCH_SRC)/specs/%.lua $(GRADC) $(BENCH_GEN_INPUTS)
	@mkdir -p $(@D)
	$(GRADC) --out $(BENCH_BUILD)/gen $< > /dev/null
	@touch $@

# $(1) = build name, $(2) = its flags, $(3) = net: the generated code and the harness for one net.
define BENCH_GRADC_PROGRAM
$(BENCH_BUILD)/gradc-$(1)/$(3): $(BENCH_SRC)/bench_gradc.c $(BENCH_HARNESS) $(BENCH_HEADERS) \
		$(BENCH_BUILD)/gen/$(3).stamp
	@mkdir -p $$(@D)
	$$(CC) -std=c99 $(2) $$(BENCH_WARN) -I$(BENCH_BUILD)/gen/$(3) -DNET=$(3) \
		-DNET_UPPER=$(call bench_upper,$(3)) '-DNET_HEADER="$(3).h"' '-DBENCH_FLAGS="$(2)"' \
		$(BENCH_SRC)/bench_gradc.c $(BENCH_HARNESS) $(BENCH_BUILD)/gen/$(3)/*.c -lm -o $$@
endef
$(foreach n,$(BENCH_NETS),$(eval $(call BENCH_GRADC_PROGRAM,O3,$(BENCH_FAST),$(n))))
$(foreach n,$(BENCH_NETS),$(eval $(call BENCH_GRADC_PROGRAM,O2,$(BENCH_PORTABLE),$(n))))

$(BENCH_BUILD)/%-fast.o: $(BENCH_SRC)/%.c $(BENCH_HEADERS)
	@mkdir -p $(@D)
	$(CC) -std=c99 $(BENCH_FAST) $(BENCH_WARN) -c $< -o $@

# Eigen: $(1) = fixed or dynamic, $(2) = 1 or 0, $(3) = net. One program per net: the fixed-size
# ones take 5-20 s each to compile, and -j builds them in parallel.
define BENCH_EIGEN_PROGRAM
$(BENCH_BUILD)/eigen-$(1)/$(3): $(BENCH_SRC)/bench_eigen.cpp $(BENCH_BUILD)/harness-fast.o \
		$(BENCH_BUILD)/bench_util-fast.o $(BENCH_HEADERS) | deps-bench
	@mkdir -p $$(@D)
	$$(CXX) $$(BENCH_EIGEN) $$(BENCH_FAST) $$(BENCH_WARN) -DBENCH_EIGEN_FIXED=$(2) \
		-DBENCH_BATCH_CONTIGUOUS=$(BENCH_EIGEN_LAYOUT_$(3)) -DEIGEN_NET_TYPE=$(BENCH_EIGEN_TYPE_$(3)) \
		'-DEIGEN_NET_NAME="$(3)"' $$< $(BENCH_BUILD)/harness-fast.o \
		$(BENCH_BUILD)/bench_util-fast.o -o $$@
endef
$(foreach n,$(BENCH_NETS),$(eval $(call BENCH_EIGEN_PROGRAM,fixed,1,$(n))))
$(foreach n,$(BENCH_NETS),$(eval $(call BENCH_EIGEN_PROGRAM,dynamic,0,$(n))))

$(BENCH_BUILD)/openblas: $(BENCH_SRC)/bench_openblas.c $(BENCH_HARNESS) $(BENCH_LOOPS) \
		$(BENCH_HEADERS) | deps-bench
	@mkdir -p $(@D)
	$(CC) -std=c99 $(BENCH_FAST) $(BENCH_WARN) $< $(BENCH_HARNESS) $(BENCH_SRC)/dense_loops.c \
		-lopenblas -lm -o $@

# LIBXSMM: Debian ships it static only (libxsmmnoblas: its BLAS fallback is never called, as
# every product is a JIT kernel).
$(BENCH_BUILD)/libxsmm: $(BENCH_SRC)/bench_libxsmm.c $(BENCH_HARNESS) $(BENCH_LOOPS) \
		$(BENCH_HEADERS) | deps-bench
	@mkdir -p $(@D)
	$(CC) -std=c99 $(BENCH_FAST) $(BENCH_WARN) $< $(BENCH_HARNESS) $(BENCH_SRC)/dense_loops.c \
		-lxsmm -lxsmmnoblas -lpthread -lrt -ldl -lm -o $@

# oneDNN: -fopenmp for omp_set_num_threads (Debian's oneDNN runs on OpenMP).
$(BENCH_BUILD)/dnnl: $(BENCH_SRC)/bench_dnnl.cpp $(BENCH_BUILD)/harness-fast.o \
		$(BENCH_BUILD)/bench_util-fast.o $(BENCH_BUILD)/dense_loops-fast.o $(BENCH_LOOPS) \
		$(BENCH_HEADERS) | deps-bench
	@mkdir -p $(@D)
	$(CXX) -std=c++17 $(BENCH_FAST) $(BENCH_WARN) $< $(BENCH_BUILD)/harness-fast.o \
		$(BENCH_BUILD)/bench_util-fast.o $(BENCH_BUILD)/dense_loops-fast.o -fopenmp -ldnnl -o $@

# XNNPACK: -lpthreadpool names the library libXNNPACK depends on (no pthreadpool call here).
$(BENCH_BUILD)/xnnpack: $(BENCH_SRC)/bench_xnnpack.c $(BENCH_HARNESS) $(BENCH_LOOPS) \
		$(BENCH_HEADERS) | deps-bench
	@mkdir -p $(@D)
	$(CC) -std=c99 $(BENCH_FAST) $(BENCH_WARN) $< $(BENCH_HARNESS) $(BENCH_SRC)/dense_loops.c \
		-lXNNPACK -lpthreadpool -lm -o $@

# This core's FMA peak, with the flags gradc's fast build uses.
$(BENCH_BUILD)/peak: $(BENCH_SRC)/peak.c
	@mkdir -p $(@D)
	$(CC) -std=c99 -O2 $(BENCH_FAST) $(BENCH_WARN) $< -o $@

$(BENCH_BUILD)/report: $(BENCH_SRC)/report.c $(BENCH_SRC)/bench_util.c $(BENCH_SRC)/nets.h \
		$(BENCH_SRC)/bench_util.h
	@mkdir -p $(@D)
	$(CC) -std=c99 -O2 $(BENCH_WARN) $< $(BENCH_SRC)/bench_util.c -lm -o $@

# The reference engine belongs to the test suite and may change under us: when it does not
# build against this adapter, the recipe leaves no program, and run.sh notes that and skips the
# column instead of failing the benchmark.
$(BENCH_BUILD)/ref: $(BENCH_SRC)/bench_ref.c $(BENCH_HARNESS) $(BENCH_HEADERS) \
		$(wildcard tests/ref/ref.c tests/ref/ref.h)
	@mkdir -p $(@D)
	@if $(CC) -std=c99 $(BENCH_FAST) $(BENCH_WARN) $(BENCH_SRC)/bench_ref.c tests/ref/ref.c \
		$(BENCH_HARNESS) -lm -o $@ > $(BENCH_BUILD)/ref-build.log 2>&1; \
	then cat $(BENCH_BUILD)/ref-build.log; \
	else rm -f $@; echo "bench: the reference engine did not build; its column is skipped:"; \
	    cat $(BENCH_BUILD)/ref-build.log; fi

# gradc's code for one conv net: tests/bench/build/conv/gen/<net>/.
$(BENCH_CONV_BUILD)/gen/%.stamp: $(BENCH_CONV_SRC)/specs/%.lua $(GRADC) $(BENCH_GEN_INPUTS)
	@mkdir -p $(@D)
	$(GRADC) --out $(BENCH_CONV_BUILD)/gen $< > /dev/null
	@touch $@

# $(1) = build name, $(2) = its flags, $(3) = conv net.
define BENCH_CONV_GRADC_PROGRAM
$(BENCH_CONV_BUILD)/gradc-$(1)/$(3): $(BENCH_CONV_SRC)/bench_gradc_conv.c \
		$(BENCH_CONV_SRC)/conv_harness.c $(BENCH_SRC)/bench_util.c $(BENCH_CONV_HEADERS) \
		$(BENCH_CONV_BUILD)/gen/$(3).stamp
	@mkdir -p $$(@D)
	$$(CC) -std=c99 $(2) $$(BENCH_WARN) -I$(BENCH_CONV_BUILD)/gen/$(3) -I$(BENCH_CONV_SRC) \
		-DNET=$(3) -DNET_UPPER=$(call bench_upper,$(3)) '-DNET_HEADER="$(3).h"' \
		'-DBENCH_FLAGS="$(2)"' $(BENCH_CONV_SRC)/bench_gradc_conv.c \
		$(BENCH_CONV_SRC)/conv_harness.c $(BENCH_SRC)/bench_util.c \
		$(BENCH_CONV_BUILD)/gen/$(3)/*.c -lm -o $$@
endef
$(foreach n,$(BENCH_CONV_NETS),$(eval $(call BENCH_CONV_GRADC_PROGRAM,O3,$(BENCH_FAST),$(n))))
$(foreach n,$(BENCH_CONV_NETS),$(eval $(call BENCH_CONV_GRADC_PROGRAM,O2,$(BENCH_PORTABLE),$(n))))

$(BENCH_CONV_BUILD)/report: $(BENCH_CONV_SRC)/report_conv.c $(BENCH_SRC)/bench_util.c \
		$(BENCH_CONV_SRC)/conv_nets.h $(BENCH_SRC)/bench_util.h
	@mkdir -p $(@D)
	$(CC) -std=c99 -O2 $(BENCH_WARN) $< $(BENCH_SRC)/bench_util.c -lm -o $@

check-bench-conv: $(BENCH_CONV_BUILD)/report
	@python3 $(BENCH_CONV_SRC)/check_report_conv.py $< $(BENCH_CONV_BUILD)/check-report

# int8 inference against float inference on this x86-64 machine (tests/bench/q8/run.sh).
BENCH_Q8_SPECS := specs/seed3.lua specs/reg.lua specs/digits.lua specs/digits_cnn.lua
bench-q8: $(GRADC)
	@sh $(BENCH_SRC)/q8/run.sh $(GRADC) $(BENCH_BUILD)/q8 $(BENCH_Q8_SPECS)

# make test: the int8 benchmark builds and runs (one spec), each row's timings positive numbers.
# Its ratios are timings on a shared machine: they are printed, not held to a figure.
check-bench-q8: $(GRADC)
	@mkdir -p $(BENCH_BUILD)
	@sh $(BENCH_SRC)/q8/run.sh $(GRADC) $(BENCH_BUILD)/check-q8 specs/seed3.lua > $(BENCH_BUILD)/check-q8.txt
	@awk -F'|' '/^\| seed3 / { rows++; if (!($$5 > 0 && $$6 > 0)) bad = 1 } \
	    END { if (rows != 2 || bad) { print "check-bench-q8: expected two rows of positive timings"; exit 1 } }' \
	    $(BENCH_BUILD)/check-q8.txt
	@echo "check-bench-q8: seed3, int8 against float:"; sed -n '/^| seed3 /p' $(BENCH_BUILD)/check-q8.txt

check-bench: $(BENCH_BUILD)/report
	@python3 $(BENCH_SRC)/check_report.py $< $(BENCH_BUILD)/check-report

# $(1) = program, $(2) = the compile and link command (output appended): a peer that does not
# build leaves its log and no program.
define BENCH_CONV_PEER_BUILD
	@mkdir -p $(@D)
	@echo '$(2) -o $@'
	@if $(2) -o $@ > $(BENCH_CONV_BUILD)/$(1)-build.log 2>&1; \
	then cat $(BENCH_CONV_BUILD)/$(1)-build.log; \
	else rm -f $@; echo "bench: $< did not build; its column is skipped:"; \
	    cat $(BENCH_CONV_BUILD)/$(1)-build.log; fi
endef

$(BENCH_CONV_BUILD)/dnnl: $(wildcard $(BENCH_CONV_SRC)/bench_dnnl.cpp) | deps-bench
	$(call BENCH_CONV_PEER_BUILD,dnnl,$(CXX) -std=c++17 $(BENCH_FAST) $(BENCH_WARN) $< -ldnnl)

$(BENCH_CONV_BUILD)/xnnpack: $(wildcard $(BENCH_CONV_SRC)/bench_xnnpack.c) | deps-bench
	$(call BENCH_CONV_PEER_BUILD,xnnpack,$(CC) -std=c99 $(BENCH_FAST) $(BENCH_WARN) $< \
		-lXNNPACK -lpthreadpool -lm)

# bench-unroll: every net in every unroll mode, generated from spec copies.
bench-unroll: $(GRADC)
	@BENCH_CC='$(CC)' sh $(BENCH_SRC)/unroll.sh $(GRADC) $(BENCH_BUILD)/unroll '$(BENCH_FAST)' \
		$(foreach n,$(BENCH_NETS),$(BENCH_SRC)/specs/$(n).lua)
