# tests/train/train.mk: from data to a trained model in one command, its tests and the comparison
# with PyTorch. The top Makefile includes this file; it defines GRADC (and the rule that builds it),
# CC, OUT, SPEC and deps-test.
#
#   make train SPEC=net.lua DATA=file.csv [TARGETS=file] [EPOCHS=n] [OUT=dir] [PATIENCE=n] [PROGRESS=1]
#              [TRAIN_ARGS="--val 25 --seed 3"]
#                      generate the model, build templates/train/train.c against it, train with the
#                      spec's optimizer, then swap in OUT/<name>/ whole: the model, <name>.bin,
#                      <name>.scale, loss.csv, split.csv, report.txt, predictions.csv (and loss.png
#                      where gnuplot is installed); a run that fails anywhere leaves an earlier
#                      OUT/<name>/ as it was. PATIENCE=n (--patience n): stop once the validation
#                      loss has not improved for n epochs and keep the best epoch's weights;
#                      PROGRESS=1 (--progress): one line updated in place on a terminal
#   make deps-train    install gnuplot-nox (optional: the loss plot), lua5.4, python3-torch, python3-numpy
#   make check-train   CMocka tests of runtime/hosted/, strict compiles, end-to-end training, bad data
#   make train-table   gradc against PyTorch on the data sets in $(TRAIN_DATA), the five dense example
#                      specs and specs/digits_cnn.lua: a markdown table
#
# Build products go to tests/build/train/ (the driver binaries) and tests/build/train-table/.

.PHONY: train deps-train check-train train-table

EPOCHS ?= 100
TRAIN_BUILD := tests/build/train
# The driver is built for this machine: it runs here, and the generated code picks its vector path
# from the target's feature macros.
TRAIN_CFLAGS ?= -O2 -march=native
TRAIN_DATA ?= data
TRAIN_PACKAGES := gnuplot-nox lua5.4 python3-torch python3-numpy

# The top Makefile's SPEC has a default (the README example); training it on someone's data by
# accident would only confuse, so `make train` wants SPEC given explicitly.
train: $(GRADC)
	@$(if $(filter file,$(origin SPEC)),echo "make train: SPEC=net.lua is required" >&2; exit 1;) \
	sh templates/train/train.sh --gradc "$(GRADC)" --cc "$(CC)" --cflags "$(TRAIN_CFLAGS)" \
	    --build "$(TRAIN_BUILD)" --spec $(call quote,$(SPEC)) --data $(call quote,$(DATA)) --targets $(call quote,$(TARGETS)) \
	    --epochs $(call quote,$(EPOCHS)) --out $(call quote,$(OUT)) -- $(if $(PATIENCE),--patience $(call quote,$(PATIENCE))) \
	    $(if $(PROGRESS),--progress) $(TRAIN_ARGS)

deps-train:
	@sh gen/deps.sh $(TRAIN_PACKAGES)

# The end-to-end part runs `make train` itself, through the makefile that included this one.
check-train: $(GRADC)
	@sh tests/train/check.sh "$(MAKE) -f $(firstword $(MAKEFILE_LIST))" "$(GRADC)" "$(CC)"

train-table: $(GRADC) deps-train
	@OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 /usr/bin/python3 tests/train/compare_torch.py \
	    --gradc "$(GRADC)" --cc "$(CC)" --cflags "$(TRAIN_CFLAGS)" --data "$(TRAIN_DATA)"
