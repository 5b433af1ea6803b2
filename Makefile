# gradc: make gen SPEC=net.lua [OUT=dir] [WEIGHTS=file [QUANT=int8 CALIB=f.csv]] | make test | make help
.DELETE_ON_ERROR:
.PHONY: all gen import diagram check test clean help deps-gen deps-test deps-import deps-diagram install uninstall

SPEC ?= specs/xor.lua
OUT ?= out
CC ?= cc

# A value as one shell word, whatever it holds (spaces, quotes, backticks, ';'): single-quoted, each
# ' written as '\''. Paths given on the command line reach recipes only through it.
quote = '$(subst ','\'',$(1))'

# A line break is one thing quoting cannot carry: make ends a recipe's shell command there, in the
# middle of the quoted word. So a value with one is refused by name before any recipe runs.
define line_break


endef
$(foreach variable,SPEC OUT WEIGHTS QUANT CALIB ONNX NAME BATCH DATA EPOCHS PATIENCE PREFIX DESTDIR TARGETS,\
    $(if $(findstring $(line_break),$($(variable))),\
        $(error $(variable) holds a line break, which make cannot pass to a command (run gen/build/gradc directly for such a file name))))

GRADC := gen/build/gradc
GEN_PACKAGES := liblua5.4-dev lua-filesystem-dev pkg-config
# The Cortex-M4 cross build and QEMU run are part of the suite, so the target build never rots;
# PyTorch is the independent autodiff the generated models are checked against (check-torch).
TEST_PACKAGES := $(GEN_PACKAGES) lua5.4 libcmocka-dev clang libclang-rt-14-dev \
	gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm python3-torch python3-numpy cmake python3-onnx graphviz
# make import reads ONNX files with Debian's onnx module (protobuf parsing is not done by hand).
IMPORT_PACKAGES := python3-onnx python3-numpy

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
	@echo "make import ONNX=m.onnx SPEC=net.lua WEIGHTS=net.bin [NAME=net] [BATCH=32]"
	@echo "                                 an ONNX model (an exported nn.Sequential) into a spec and weights"
	@echo "make diagram SPEC=net.lua        the network as a picture, OUT/<name>.svg (Graphviz; OUT/<name>/ untouched)"
	@echo "make check SPEC=net.lua          validate a spec and print its summary; write nothing"
	@echo "make install [PREFIX=/usr/local] install gradc (PREFIX/bin), its files (PREFIX/share/gradc) and"
	@echo "    [DESTDIR=staging]            the CMake package (PREFIX/lib/cmake/gradc: gradc_add_model)"
	@echo "make uninstall [PREFIX=...]      remove what make install put there"
	@echo "make test                        build everything and run the whole test suite"
	@echo "make cross SPEC=net.lua          cross-compile for Cortex-M4F, Cortex-M0, RISC-V rv32imf and rv32imac (float and int8),"
	@echo "    [WEIGHTS=f CALIB=c.csv]      run under QEMU, compare with the host, print sizes and instructions"
	@echo "make cross-table                 measure the example specs on Cortex-M4F and Cortex-M0 (the README tables)"
	@echo "make train SPEC=... DATA=f.csv   train on a CSV file [TARGETS=f] [EPOCHS=n]: weights, loss curve"
	@echo "make train-table                 the real data sets with gradc and PyTorch (the README table)"
	@echo "make q8-table                    int8 against float on the real data sets: accuracy, flash, RAM (rewrites the README table)"
	@echo "make bench                       time the four benchmark nets against Eigen, OpenBLAS, LIBXSMM,"
	@echo "                                 oneDNN, XNNPACK (inference), PyTorch,"
	@echo "                                 and the two conv nets (make bench-conv) as below"
	@echo "make bench-conv                  time the conv nets against PyTorch, oneDNN, XNNPACK (inference)"
	@echo "make bench-q8                    time int8 inference against float inference (x86-64)"
	@echo "make bench-unroll                time, size and compile time per unroll mode"
	@echo "make fuzz [FUZZ_SECONDS=600]     long libFuzzer run on the spec loader"
	@echo "make clean                       remove build products and out/"
	@echo "make deps-gen, deps-test, deps-cross, deps-train, deps-import, deps-diagram"
	@echo "                                 install (as root) or name the Debian packages of make gen, make test,"
	@echo "                                 make cross, make train, make import, make diagram"
	@echo "make help                        this text"

deps-gen:
	@sh gen/deps.sh $(GEN_PACKAGES)

deps-test:
	@sh gen/deps.sh $(TEST_PACKAGES)

deps-import:
	@sh gen/deps.sh $(IMPORT_PACKAGES)

$(GRADC): gen/main.c gen/host.c gen/host.h | deps-gen
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(LUA_CFLAGS) -o $@ gen/main.c gen/host.c \
		$(LUA_LIBDIR)/liblua5.4-filesystem.a $(LUA_LIBDIR)/liblua5.4.a -lm -ldl

gen: $(GRADC)
	$(GRADC) --out $(call quote,$(OUT)) $(if $(WEIGHTS),--weights $(call quote,$(WEIGHTS))) $(if $(QUANT),--quant $(call quote,$(QUANT))) \
	    $(if $(CALIB),--calib $(call quote,$(CALIB))) $(call quote,$(SPEC))

# SPEC must be given: its default (specs/xor.lua) is an example this would overwrite. Debian's
# interpreter, since the python3 first on PATH may lack the onnx module.
import: $(GRADC) | deps-import
	@if [ -z $(call quote,$(ONNX)) ] || [ "$(origin SPEC)" = file ] || [ -z $(call quote,$(WEIGHTS)) ]; then \
	    echo "make import: give ONNX=model.onnx SPEC=net.lua WEIGHTS=net.bin (the files to read and write)" >&2; \
	    exit 2; \
	fi
	@/usr/bin/python3 gen/tools/onnx2gradc.py --gradc "$(GRADC)" --spec $(call quote,$(SPEC)) --weights $(call quote,$(WEIGHTS)) \
	    $(if $(NAME),--name $(call quote,$(NAME))) $(if $(BATCH),--batch $(call quote,$(BATCH))) $(call quote,$(ONNX))

# The spec's <name>.dot rendered to OUT/<name>.svg (Graphviz: Debian graphviz, installed as make gen
# installs its packages). The model is generated into a temporary folder for its .dot: OUT/<name>/
# is never touched, since make gen would replace it whole (a make train folder's weights with it).
diagram: $(GRADC) | deps-diagram
	@name=$$($(GRADC) --name $(call quote,$(SPEC))) && staging=$$(mktemp -d) && trap 'rm -rf "$$staging"' EXIT && \
	    $(GRADC) --out "$$staging" $(call quote,$(SPEC)) > /dev/null && mkdir -p $(call quote,$(OUT)) && \
	    dot -Tsvg "$$staging/$$name/$$name.dot" -o $(call quote,$(OUT))/"$$name.svg" && \
	    echo "gradc: drew "$(call quote,$(OUT))"/$$name.svg"

deps-diagram:
	@sh gen/deps.sh graphviz

check: $(GRADC)
	$(GRADC) --check $(call quote,$(SPEC))

# make install: the binary finds its files at ../share/gradc from its own place (gen/host.c), and
# the CMake package finds the binary from its own place, so the installed tree can be moved or
# staged with DESTDIR. share/gradc holds what the generator reads (every Lua module under gen/,
# templates/*.in, runtime/gradc_rt.h) and is replaced whole, so no module of an older version stays.
# Its manifest.txt (each file's SHA-256) is what CMake builds depend on: one file that every
# reinstall rewrites, where a list of the modules would break a build tree once a module is gone.
# runtime/hosted/ is not installed: it is make train's private driver code, not a library.
PREFIX ?= /usr/local
GRADC_VERSION = $(shell sed -n 's/^return "\(.*\)"$$/\1/p' gen/version.lua)
INSTALL_BIN = $(DESTDIR)$(PREFIX)/bin
INSTALL_SHARE = $(DESTDIR)$(PREFIX)/share/gradc
INSTALL_CMAKE = $(DESTDIR)$(PREFIX)/lib/cmake/gradc

install: $(GRADC)
	@test -n $(call quote,$(PREFIX)) || { echo "make install: PREFIX is empty (give PREFIX=/usr/local, say)" >&2; exit 1; }
	@test -z $(call quote,$(DESTDIR)) || case $(call quote,$(PREFIX)) in /*) ;; *) \
	    echo "make install: with DESTDIR, PREFIX must be an absolute path (DESTDIR is put in front of it as it is), not "$(call quote,$(PREFIX)) >&2; exit 1 ;; esac
	@test -n "$(GRADC_VERSION)" || { echo "make install: no version in gen/version.lua" >&2; exit 1; }
	rm -rf $(call quote,$(INSTALL_SHARE))
	install -d $(call quote,$(INSTALL_BIN)) $(call quote,$(INSTALL_SHARE)/templates) $(call quote,$(INSTALL_SHARE)/runtime) $(call quote,$(INSTALL_CMAKE))
	install -m 755 $(GRADC) $(call quote,$(INSTALL_BIN)/gradc)
	share=$$(cd $(call quote,$(INSTALL_SHARE)) && pwd) && cd gen && find . -name '*.lua' -type f | sort | \
	    while read -r module; do install -D -m 644 "$$module" "$$share/gen/$$module" || exit 1; done
	install -m 644 templates/*.in $(call quote,$(INSTALL_SHARE)/templates)
	install -m 644 runtime/gradc_rt.h $(call quote,$(INSTALL_SHARE)/runtime)
	cd $(call quote,$(INSTALL_SHARE)) && find . -type f ! -name manifest.txt -print0 | LC_ALL=C sort -z | \
	    xargs -0 sha256sum > manifest.txt
	install -m 644 templates/cmake/gradcConfig.cmake.in $(call quote,$(INSTALL_CMAKE)/gradcConfig.cmake)
	sed -e 's/@GRADC_VERSION@/$(GRADC_VERSION)/g' \
	    -e 's/@GRADC_VERSION_MAJOR@/$(word 1,$(subst ., ,$(GRADC_VERSION)))/g' \
	    -e 's/@GRADC_VERSION_MINOR@/$(word 2,$(subst ., ,$(GRADC_VERSION)))/g' \
	    templates/cmake/gradcConfigVersion.cmake.in > $(call quote,$(INSTALL_CMAKE)/gradcConfigVersion.cmake)
	@echo "gradc: installed gradc $(GRADC_VERSION) in "$(call quote,$(DESTDIR)$(PREFIX))

uninstall:
	@test -n $(call quote,$(PREFIX)) || { echo "make uninstall: PREFIX is empty" >&2; exit 1; }
	rm -f $(call quote,$(INSTALL_BIN)/gradc)
	rm -rf $(call quote,$(INSTALL_SHARE)) $(call quote,$(INSTALL_CMAKE))

include tests/checks.mk
include tests/cli.mk
include tests/tests.mk
include tests/cross/cross.mk
include tests/torch/torch.mk
include tests/bench/bench.mk
include tests/train/train.mk
include tests/onnx/onnx.mk
include tests/repo.mk
include tests/install/install.mk
include tests/quickstart/quickstart.mk
include tests/q8/q8.mk
include tests/q8/ref.mk
include tests/q8/table.mk

# Every core, whether or not make itself was given -j. The CMocka model suite runs last, so the
# run ends with its summary.
JOBS := $(shell nproc 2>/dev/null || echo 2)

test: deps-test
	@$(MAKE) --no-print-directory check-repo check-cli
	@$(MAKE) --no-print-directory -j$(JOBS) check-strict check-numerics check-io check-weights \
	    check-example check-diagram check-cxx check-size check-text check-torch check-models-vector check-cross check-torch2gradc check-onnx \
	    check-train check-bench check-bench-conv check-bench-q8 check-install check-quickstart check-q8 check-q8-ref check-q8-table
	@$(MAKE) --no-print-directory -j$(JOBS) check-models

clean:
	rm -rf gen/build tests/build out
