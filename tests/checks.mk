# Checks on generated code as a user's build sees it: strict compiles with gcc and clang, no heap
# symbols, weights files under ASan/UBSan, and the README's example program.
.PHONY: check-strict check-io check-example check-diagram

STRICT_FLAGS := -std=c99 -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Werror
# -fno-var-tracking: gcc's tracking of variable locations through optimized code (on by default
# with -O and -g) took two thirds of the compile time of sanitized generated models (seed3.c at -O1:
# 22 s with it, 7 s without). Reports keep their file:line, from the line tables; only a debugger's
# view of optimized-out variables gets coarser. (clang accepts and ignores it.)
SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -fno-var-tracking
CMOCKA_LIBS = $(shell pkg-config --libs cmocka)
EXAMPLE_SPECS := $(wildcard specs/*.lua)
# Specs check-strict compiles besides the examples: shapes whose code once failed a strict build
# (tests/torch/specs/conv2d_dw_tail.lua: gcc -O2's -Warray-bounds on a conv dW tile)
STRICT_EXTRA_SPECS := tests/torch/specs/conv2d_dw_tail.lua

# Every example spec, every generated .c, gcc and clang: -O0 and -O2 (x86-64 dispatch builds), -O2
# with GRADC_PORTABLE, and the two compile-time vector paths, as
# warnings-are-errors.
# Then no object may reference the heap.
check-strict: $(GRADC)
	@rm -rf tests/build/strict && mkdir -p tests/build/strict
	@set -e; count=0; \
	for spec in $(EXAMPLE_SPECS) $(STRICT_EXTRA_SPECS); do \
	    $(GRADC) --out tests/build/strict/gen "$$spec" > /dev/null; \
	done; \
	for dir in tests/build/strict/gen/*/; do \
	    for src in $$dir*.c; do \
	        for cc in gcc clang; do for opt in -O0 -O2 -O2:-DGRADC_PORTABLE -O2:-march=x86-64-v3 -O3:-march=native; do \
	            obj=tests/build/strict/$$(basename $$src .c)-$$cc$$opt.o; \
	            $$cc $(STRICT_FLAGS) $$(echo $$opt | tr : ' ') -c $$src -o $$obj; \
	            if nm -u $$obj | grep -Ew '(malloc|calloc|realloc|free|aligned_alloc)$$'; then \
	                echo "check-strict: $$src references the heap"; exit 1; \
	            fi; \
	            count=$$((count + 1)); \
	        done; done; \
	    done; \
	done; \
	echo "check-strict: $$count compiles (gcc, clang; -O0 and -O2 with dispatch, -O2 portable, AVX2, native) warning-free, no heap symbols"

IO_MODELS := xor softmax xor_b1 xor_b32 xor_f64 wide
IO_SPECS := specs/xor.lua specs/softmax.lua tests/io/xor_b1.lua tests/io/xor_b32.lua tests/io/xor_f64.lua \
    tests/io/wide.lua
IO_SOURCES = $(foreach m,$(IO_MODELS),-Itests/build/io/gen/$(m) tests/build/io/gen/$(m)/*.c)
# --wrap=fread lets the test change a file while load is reading it.
IO_CFLAGS = $(STRICT_FLAGS) -Wno-conversion -O1 -g $(SANITIZE) -Wl,--wrap=fread

tests/build/io/gen/.stamp: $(IO_SPECS) $(GRADC) $(wildcard templates/* runtime/*) $(GEN_LUA)
	@rm -rf tests/build/io && mkdir -p tests/build/io
	@for spec in $(IO_SPECS); do $(GRADC) --out tests/build/io/gen $$spec > /dev/null || exit 1; done
	@touch $@

tests/build/io/test_io: tests/io/test_io.c tests/build/io/gen/.stamp
	$(CC) $(IO_CFLAGS) $(IO_SOURCES) tests/io/test_io.c -o $@ $(CMOCKA_LIBS) -lm

# The same tests with every model's load on the path that copies the file to a temporary first
# (normally only models of more than 1 MiB of parameters take it).
tests/build/io/test_io_temporary: tests/io/test_io.c tests/build/io/gen/.stamp
	$(CC) $(IO_CFLAGS) -DIO_ALL_LOADS_USE_TEMPORARY \
	    $(foreach m,$(IO_MODELS),-D$(shell echo $(m) | tr a-z A-Z)_LOAD_STACK_LIMIT=0) \
	    $(IO_SOURCES) tests/io/test_io.c -o $@ $(CMOCKA_LIBS) -lm

# check-strict compiles the example specs, whose loads all stage on the stack: compile the path
# through a temporary (wide's) warning-free as well.
check-io: tests/build/io/test_io tests/build/io/test_io_temporary
	@for cc in gcc clang; do for opt in -O0 -O2; do \
	    $$cc $(STRICT_FLAGS) $$opt -Itests/build/io/gen/wide -c tests/build/io/gen/wide/wide_io.c \
	        -o tests/build/io/wide_io-$$cc$$opt.o || exit 1; done; done
	@tests/build/io/test_io
	@tests/build/io/test_io_temporary

check-example: $(GRADC)
	@rm -rf tests/build/example && mkdir -p tests/build/example
	@$(GRADC) --out tests/build/example specs/xor.lua > /dev/null
	@$(CC) $(STRICT_FLAGS) -O2 -Itests/build/example/xor tests/example/train_xor.c \
	    tests/build/example/xor/*.c -o tests/build/example/train_xor -lm
	@tests/build/example/train_xor > tests/build/example/output.txt
	@grep -q '^0 xor 0 -> 0\.0' tests/build/example/output.txt && grep -q '^0 xor 1 -> 0\.9' tests/build/example/output.txt \
	    && grep -q '^1 xor 0 -> 0\.9' tests/build/example/output.txt && grep -q '^1 xor 1 -> 0\.0' tests/build/example/output.txt \
	    || { cat tests/build/example/output.txt; echo "check-example: the README's XOR example did not learn XOR"; exit 1; }
	@echo "check-example: the README's XOR example trains and predicts XOR"

# make diagram draws OUT/<name>.svg and leaves OUT/<name>/ alone (it had regenerated the folder,
# deleting a make train run's weights in it); run through the makefile that included this one.
check-diagram: $(GRADC)
	@rm -rf tests/build/diagram && mkdir -p tests/build/diagram/out/xor
	@echo "trained weights" > tests/build/diagram/out/xor/xor.bin
	@$(MAKE) --no-print-directory -f $(firstword $(MAKEFILE_LIST)) diagram SPEC=specs/xor.lua OUT=tests/build/diagram/out \
	    > tests/build/diagram/log.txt 2>&1 || { cat tests/build/diagram/log.txt; echo "check-diagram: make diagram failed"; exit 1; }
	@grep -q '<svg' tests/build/diagram/out/xor.svg || { echo "check-diagram: no SVG in out/xor.svg"; exit 1; }
	@test "$$(ls tests/build/diagram/out/xor)" = xor.bin && grep -qx "trained weights" tests/build/diagram/out/xor/xor.bin \
	    || { echo "check-diagram: make diagram changed out/xor/"; exit 1; }
	@echo "check-diagram: make diagram drew out/xor.svg and left out/xor/ as it was"

# Const-weights builds: train and save weights with generated code, regenerate with WEIGHTS=, then
# check bits and infer == predict; and a mismatched, truncated or corrupted file is refused with
# nothing written.
.PHONY: check-weights
WEIGHTS_MODELS := xor softmax reg digits digits_cnn
WEIGHTS_DIR := tests/build/weights
# infer == predict must hold under the flags users build with: gcc's default GNU mode contracts
# a * b + c into fused multiply-adds wherever the target has FMA, -std=c99 does not, and clang
# contracts within a statement. Each entry is compiler:flags (':' for spaces).
INFER_FLAG_SETS := gcc:-O2 gcc:-O3:-march=native gcc:-std=c99:-O2 gcc:-O2:-march=x86-64-v3 \
	gcc:-std=c99:-O2:-march=x86-64-v3 gcc:-std=c99:-O3:-march=native \
	clang:-O2 clang:-O3:-march=native clang:-std=c99:-O2 clang:-std=c99:-O2:-march=x86-64-v3 \
	gcc:-O2:-DGRADC_PORTABLE

check-weights: $(GRADC)
	@rm -rf $(WEIGHTS_DIR) && mkdir -p $(WEIGHTS_DIR)
	@for m in $(WEIGHTS_MODELS); do $(GRADC) --out $(WEIGHTS_DIR)/train specs/$$m.lua > /dev/null || exit 1; done
	@$(CC) $(STRICT_FLAGS) -O1 $(foreach m,$(WEIGHTS_MODELS),-I$(WEIGHTS_DIR)/train/$(m) $(WEIGHTS_DIR)/train/$(m)/*.c) \
	    tests/io/make_weights.c -o $(WEIGHTS_DIR)/make_weights -lm
	@$(WEIGHTS_DIR)/make_weights $(foreach m,$(WEIGHTS_MODELS),$(WEIGHTS_DIR)/$(m).bin)
	@for m in $(WEIGHTS_MODELS); do \
	    $(GRADC) --out $(WEIGHTS_DIR)/deploy --weights $(WEIGHTS_DIR)/$$m.bin specs/$$m.lua > /dev/null || exit 1; done
	@for cc in gcc clang; do \
	    $$cc $(STRICT_FLAGS) -O2 -c $(WEIGHTS_DIR)/deploy/xor/xor_weights.c -o $(WEIGHTS_DIR)/xor_weights-$$cc.o || exit 1; done
	@$(CC) $(STRICT_FLAGS) -Wno-conversion -O2 -g $(SANITIZE) \
	    $(foreach m,$(WEIGHTS_MODELS),-I$(WEIGHTS_DIR)/deploy/$(m) $(WEIGHTS_DIR)/deploy/$(m)/*.c) \
	    tests/io/test_infer.c -o $(WEIGHTS_DIR)/test_infer $(CMOCKA_LIBS) -lm
	@$(WEIGHTS_DIR)/test_infer
	@set -e; for set in $(INFER_FLAG_SETS); do \
	    cc=$${set%%:*}; flags=$$(echo "$${set#*:}" | tr : ' '); \
	    $$cc -Wall -Wextra -Werror -Wno-conversion $$flags -DINFER_FLAGS="\"$$cc $$flags\"" \
	        $(foreach m,$(WEIGHTS_MODELS),-I$(WEIGHTS_DIR)/deploy/$(m) $(WEIGHTS_DIR)/deploy/$(m)/*.c) \
	        tests/io/test_infer.c -o $(WEIGHTS_DIR)/test_infer_flags $(CMOCKA_LIBS) -lm; \
	    CMOCKA_MESSAGE_OUTPUT=stdout $(WEIGHTS_DIR)/test_infer_flags > $(WEIGHTS_DIR)/infer_flags.log 2>&1 \
	        || { cat $(WEIGHTS_DIR)/infer_flags.log; echo "check-weights: infer differs from predict under $$cc $$flags"; exit 1; }; \
	done; echo "check-weights: infer == predict bit for bit under $(words $(INFER_FLAG_SETS)) compiler and flag sets"
	@sh tests/io/refuse_weights.sh $(GRADC) $(WEIGHTS_DIR)

# The whole model suite again. check-models builds with plain $(CC), which on x86-64 is a dispatch
# build running the widest kernel copy the CPU has (AVX-512 on this project's machines). Here: the
# plain C99 loops (GRADC_PORTABLE) and the compile-time native vector path under ASan and UBSan
# with gcc; with clang, the compile-time AVX2 + FMA path and a dispatch build held to its AVX2
# copy (clang's target pragma), each only where the CPU can run it. (clang with ASan is not used
# here: it took minutes per tiled model file at -O1, gcc seconds.)
.PHONY: check-models-vector
VECTOR_BUILD := tests/build/vector
CPU_FLAGS := $(shell grep -m1 '^flags' /proc/cpuinfo 2>/dev/null)

define run_model_suite
	@mkdir -p $(VECTOR_BUILD)/$(1)/cases
	@lua5.4 tests/cases.lua $(VECTOR_BUILD)/$(1)/cases $(sort $(wildcard specs/*.lua)) > /dev/null
	@$(MAKE) --no-print-directory -s -f tests/models.mk GRADC='$(GRADC)' CC='$(2)' \
	    TESTS_BUILD='$(VECTOR_BUILD)/$(1)' run > $(VECTOR_BUILD)/$(1)/run.log 2>&1 \
	    || { tail -40 $(VECTOR_BUILD)/$(1)/run.log; echo "check-models-vector: $(1) FAILED (log: $(VECTOR_BUILD)/$(1)/run.log)"; exit 1; }
	@echo "check-models-vector: $$(grep -c 'PASSED' $(VECTOR_BUILD)/$(1)/run.log) groups passed: $(2)"
endef

check-models-vector: $(GRADC)
	$(call run_model_suite,portable-sanitized,gcc -DGRADC_PORTABLE $(SANITIZE))
	$(call run_model_suite,native-sanitized,gcc -march=native $(SANITIZE))
ifneq ($(filter avx2,$(CPU_FLAGS)),)
ifneq ($(filter fma,$(CPU_FLAGS)),)
	$(call run_model_suite,avx2-clang,clang -O2 -march=x86-64-v3)
	$(call run_model_suite,dispatch-avx2-clang,clang -O2 -DGRADC_DISPATCH_MAX_AVX2)
endif
endif

# The runtime's exp and sigmoid against double, float models at logits of 1e4, and the float
# init draws against double Box-Muller (test_init_draws.c).
.PHONY: check-numerics
NUMERICS_SPECS := $(wildcard tests/numerics/*.lua)
NUMERICS_DIR := tests/build/numerics

# Built twice: the plain C expressions, and (where the CPU has FMA) the fused multiply-adds that
# GRADC_FMAF chooses under -march=x86-64-v3; each has to meet the documented bounds.
NUMERICS_BUILDS := plain $(if $(and $(filter avx2,$(CPU_FLAGS)),$(filter fma,$(CPU_FLAGS))),fma)
NUMERICS_FLAGS_plain :=
NUMERICS_FLAGS_fma := -march=x86-64-v3

check-numerics: $(GRADC)
	@rm -rf $(NUMERICS_DIR) && mkdir -p $(NUMERICS_DIR)
	@for spec in $(NUMERICS_SPECS); do $(GRADC) --out $(NUMERICS_DIR)/gen $$spec > /dev/null || exit 1; done
	@set -e; $(foreach b,$(NUMERICS_BUILDS), \
	  echo "numerics, $(b) build:"; \
	  $(CC) $(STRICT_FLAGS) -Wno-conversion -O2 $(NUMERICS_FLAGS_$(b)) -g $(SANITIZE) -Iruntime \
	    $(foreach s,$(NUMERICS_SPECS),-I$(NUMERICS_DIR)/gen/$(basename $(notdir $(s))) \
	        $(NUMERICS_DIR)/gen/$(basename $(notdir $(s)))/$(basename $(notdir $(s))).c) \
	    tests/numerics/test_numerics.c -o $(NUMERICS_DIR)/test_numerics_$(b) $(CMOCKA_LIBS) -lm; \
	  $(NUMERICS_DIR)/test_numerics_$(b); \
	  $(CC) $(STRICT_FLAGS) -O2 $(NUMERICS_FLAGS_$(b)) -g $(SANITIZE) -Iruntime tests/numerics/test_init_draws.c \
	    -o $(NUMERICS_DIR)/test_init_draws_$(b) $(CMOCKA_LIBS) -lm; \
	  $(NUMERICS_DIR)/test_init_draws_$(b);)

# Vendoring into C++: every generated .c of every example spec (and a const-weights build)
# compiles as C++ with g++ and clang++ under -Wall -Wextra -Werror, at -O2 (the dispatch build)
# and -O3 -march=native, and for the Cortex-M4F (whose float kernels are inline assembly) with
# arm-none-eabi-g++ at -O2 and -Os and clang++ at -O2; and the README's XOR example, compiled as
# C++ with its model, runs.
.PHONY: check-cxx
CXX_DIR := tests/build/cxx
CXX_FLAG_SETS := -O2 -O3:-march=native
CXX_M4_FLAGS := -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16
CXX_NEWLIB_INCLUDE := /usr/lib/arm-none-eabi/include

check-cxx: $(GRADC)
	@rm -rf $(CXX_DIR) && mkdir -p $(CXX_DIR)
	@for spec in $(EXAMPLE_SPECS); do $(GRADC) --out $(CXX_DIR)/gen "$$spec" > /dev/null || exit 1; done
	@$(GRADC) --out $(CXX_DIR)/gen-init specs/xor.lua > /dev/null
	@$(CC) -std=c99 -O1 -I$(CXX_DIR)/gen-init/xor tests/io/make_weights_xor.c $(CXX_DIR)/gen-init/xor/*.c \
	    -o $(CXX_DIR)/make_weights_xor -lm && $(CXX_DIR)/make_weights_xor $(CXX_DIR)/xor.bin
	@$(GRADC) --out $(CXX_DIR)/deploy --weights $(CXX_DIR)/xor.bin specs/xor.lua > /dev/null
	@set -e; count=0; for cxx in g++ clang++; do for opt in $(CXX_FLAG_SETS); do \
	    for src in $(CXX_DIR)/gen/*/*.c $(CXX_DIR)/deploy/xor/*.c; do \
	        $$cxx -x c++ -Wall -Wextra -Werror $$(echo $$opt | tr : ' ') -c $$src -o $(CXX_DIR)/obj.o; \
	        count=$$((count + 1)); \
	    done; done; done; \
	command -v arm-none-eabi-g++ > /dev/null || { echo "check-cxx: no arm-none-eabi-g++ (make deps-test installs gcc-arm-none-eabi)"; exit 1; }; \
	m4_kernels=0; for src in $(CXX_DIR)/gen/*/*.c $(CXX_DIR)/deploy/xor/*.c; do \
	    for opt in -O2 -Os; do \
	        arm-none-eabi-g++ -x c++ $(CXX_M4_FLAGS) -Wall -Wextra -Werror $$opt -c $$src -o $(CXX_DIR)/m4.o; \
	        count=$$((count + 1)); \
	    done; \
	    if arm-none-eabi-objdump -d $(CXX_DIR)/m4.o | grep -q 'vmla\.f32'; then m4_kernels=$$((m4_kernels + 1)); fi; \
	    clang++ -x c++ --target=thumbv7em-none-eabihf $(CXX_M4_FLAGS) -isystem $(CXX_NEWLIB_INCLUDE) \
	        -Wall -Wextra -Werror -O2 -c $$src -o $(CXX_DIR)/m4_clang.o; \
	    count=$$((count + 1)); \
	done; \
	[ $$m4_kernels -gt 0 ] || { echo "check-cxx: no object compiled for the Cortex-M4F as C++ holds the VMLA.F32 kernels"; exit 1; }; \
	g++ -x c++ -Wall -Wextra -Werror -O2 -I$(CXX_DIR)/gen/xor tests/example/train_xor.c $(CXX_DIR)/gen/xor/*.c \
	    -o $(CXX_DIR)/train_xor -lm; \
	$(CXX_DIR)/train_xor | grep -q '^1 xor 0 -> 0\.9' || { echo "check-cxx: the XOR example built as C++ did not learn XOR"; exit 1; }; \
	echo "check-cxx: $$count compiles as C++ (g++, clang++; $(CXX_FLAG_SETS); Cortex-M4F arm-none-eabi-g++ -O2 -Os, clang++ -O2: $$m4_kernels files with the VMLA.F32 kernels) warning-free; the XOR example runs as C++"

# Generated code size: auto's unroll budget per function holds for deep nets of small layers, and
# the labels name what was generated for the batch and the one-sample path.
.PHONY: check-size
check-size: $(GRADC)
	@sh tests/size/check_size.sh $(GRADC) tests/build/size

# Generated text a reviewer would accept (tests/text/check_text.lua): no loop that runs once, no
# constant printed as its rounding, tile registers that cannot be taken for parameters, no braces
# around a lone statement, no index arithmetic left unfolded (and the folding keeps values:
# tests/text/test_fold.lua), and continuation lines that line up; over every example, benchmark,
# PyTorch-comparison and random-family spec, and a const-weights build.
.PHONY: check-text
TEXT_DIR := tests/build/text

check-text: $(GRADC) check-weights
	@lua5.4 tests/text/test_fold.lua gen
	@rm -rf $(TEXT_DIR) && mkdir -p $(TEXT_DIR)/cases
	@lua5.4 tests/cases.lua $(TEXT_DIR)/cases > /dev/null
	@for spec in $(EXAMPLE_SPECS) tests/bench/specs/*.lua tests/bench/conv/specs/*.lua tests/torch/specs/*.lua \
	    tests/numerics/*.lua tests/size/*.lua $(TEXT_DIR)/cases/*.lua; do \
	    $(GRADC) --out $(TEXT_DIR)/gen "$$spec" > /dev/null || exit 1; done
	@for m in $(WEIGHTS_MODELS); do \
	    $(GRADC) --out $(TEXT_DIR)/deploy --weights $(WEIGHTS_DIR)/$$m.bin specs/$$m.lua > /dev/null || exit 1; done
	@lua5.4 tests/text/check_text.lua $(TEXT_DIR)/gen/*/*.c $(TEXT_DIR)/gen/*/*.h $(TEXT_DIR)/deploy/*/*_weights.c
