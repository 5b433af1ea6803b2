# tests/q8/table.mk: int8 against float on the real data sets. Included by the top Makefile, which
# defines GRADC (and the rule that builds it) and CC.
#
#   make q8-table        train iris, wine, breast_cancer, digits, digits_cnn and diabetes with
#                        make train's driver, generate each float const-weights build and int8
#                        build, and measure held-out accuracy (RMSE) of both on the host and flash
#                        and RAM of both on a Cortex-M0; prints a markdown table and writes it into
#                        README.md between <!-- q8-table:begin --> and <!-- q8-table:end -->
#   make check-q8-table  the same for iris and digits, README untouched; fails when int8 is more
#                        than one point (1% RMSE) below float, or (nets of 1,000 parameters or
#                        more) its weights and biases exceed 0.3 of float's bytes
.PHONY: q8-table check-q8-table

Q8_TABLE = OPENBLAS_NUM_THREADS=1 /usr/bin/python3 tests/q8/table.py --gradc "$(GRADC)" --cc "$(CC)"

q8-table: $(GRADC)
	@$(Q8_TABLE) --readme README.md

check-q8-table: $(GRADC)
	@mkdir -p tests/build && $(Q8_TABLE) --only iris digits --check --build tests/build/check-q8-table \
	    > tests/build/check-q8-table.log 2>&1 || { cat tests/build/check-q8-table.log; exit 1; }
	@tail -n 1 tests/build/check-q8-table.log
