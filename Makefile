# gradc: make gen SPEC=net.lua [OUT=dir] [WEIGHTS=file [QUANT=int8 CALIB=f.csv]] | make test | make help
.DELETE_ON_ERROR:
.PHONY: all gen diagram check test clean help deps-gen deps-test

SPEC ?= specs/xor.lua
OUT ?= out
CC ?= cc

GRADC := gen/build/gradc
GEN_PACKAGES := liblua5.4-dev lua-filesystem-dev pkg-config
# The Cortex-M4 cross build and QEMU run are part of the suite, so the target build never rots;
# PyTorch is the independent autodiff the generated models are checked against (check-torch).
TEST_PACKAGES := $(GEN_PACKAGES) lua5.4 libcmocka-dev clang libclang-rt-14-dev \
	gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm python3-torch python3-numpy

# Lua and LuaFileSystem are linked statically: the generator needs only libc and libm at run time.
# (Recursive '=' so pkg-config runs after the dependency step has installed it.)
LUA_LIBDIR = $(shell pkg-config --variable=libdir lua5.4)
LUA_CFLAGS = $(shell pkg-config --cflags lua5.4)
HOST_CFLAGS := -std=c11 -O2 -g -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Werror
GEN_LUA := $(wildcard gen/*.lua gen/ops/*.lua gen/kernels/*.lua gen/q8/*.lua)

all: $(GRADC)

help:
	@echo "make gen SPEC=net.lua [OUT=dir]  generate OUT/<name>/ from a spec (default SPEC=$(SPEC), OUT=$(OUT))"
	@echo "    [WEIGHTS=file]               also embed a weights file as const data with <name>_infer"
	@echo "    [QUANT=int8 CALIB=f.csv]     with WEIGHTS: also integer-only int8 inference (<name>_q8.c, <name>_qinfer.c)"
	@echo "make diagram SPEC=net.lua        gen, then render OUT/<name>/<name>.dot to SVG (needs Graphviz)"
	@echo "make check SPEC=net.lua          validate a spec and print its summary; write nothing"
	@echo "make test                        build everything and run the whole test suite"
	@echo "make cross SPEC=net.lua          cross-compile for Cortex-M4F, run under QEMU, print sizes and instructions"
	@echo "make cross-table                 measure every example spec on Cortex-M4F (the README table)"
	@echo "make train SPEC=... DATA=f.csv   train on a CSV file [TARGETS=f] [EPOCHS=n]: weights, loss curve"
	@echo "make train-table                 the real data sets with gradc and PyTorch (the README table)"
	@echo "make bench                       time the four benchmark nets against Eigen, OpenBLAS, PyTorch"
	@echo "make bench-unroll                time, size and compile time per unroll mode"
	@echo "make fuzz [FUZZ_SECONDS=600]     long libFuzzer run on the spec loader"
	@echo "make clean                       remove build products and out/"
	@echo "make help                        this text"

deps-gen:
	@sh gen/deps.sh $(GEN_PACKAGES)

deps-test:
	@sh gen/deps.sh $(TEST_PACKAGES)

$(GRADC): gen/main.c gen/host.c gen/host.h | deps-gen
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(LUA_CFLAGS) -o $@ gen/main.c gen/host.c \
		$(LUA_LIBDIR)/liblua5.4-filesystem.a $(LUA_LIBDIR)/liblua5.4.a -lm -ldl

gen: $(GRADC)
	$(GRADC) --out "$(OUT)" $(if $(WEIGHTS),--weights "$(WEIGHTS)") $(if $(QUANT),--quant "$(QUANT)") \
	    $(if $(CALIB),--calib "$(CALIB)") "$(SPEC)"

# The generated <name>.dot rendered to OUT/<name>/<name>.svg (needs Graphviz: Debian graphviz).
# Separate from gen, so that gen writes exactly what the generator writes.
diagram: gen
	@command -v dot > /dev/null || { echo "gradc: the diagram needs Graphviz: apt-get install graphviz"; exit 1; }
	@name=$$($(GRADC) --name "$(SPEC)") && dot -Tsvg "$(OUT)/$$name/$$name.dot" -o "$(OUT)/$$name/$$name.svg" \
	    && echo "gradc: drew $(OUT)/$$name/$$name.svg"

check: $(GRADC)
	$(GRADC) --check "$(SPEC)"

include tests/checks.mk
include tests/cli.mk
include tests/tests.mk
include tests/cross/cross.mk
include tests/torch/torch.mk
include tests/bench/bench.mk
include tests/train/train.mk
include tests/repo.mk
include tests/q8/q8.mk

# Every core, whether or not make itself was given -j. The CMocka model suite runs last, so the
# run ends with its summary.
JOBS := $(shell nproc 2>/dev/null || echo 2)

test: deps-test
	@$(MAKE) --no-print-directory check-repo check-cli
	@$(MAKE) --no-print-directory -j$(JOBS) check-strict check-numerics check-io check-weights \
	    check-example check-cxx check-size check-text check-torch check-models-vector check-cross check-torch2gradc check-train check-q8
	@$(MAKE) --no-print-directory -j$(JOBS) check-models

clean:
	rm -rf gen/build tests/build out
