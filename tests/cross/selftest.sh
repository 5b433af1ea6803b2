#!/bin/sh
# tests/cross/selftest.sh: make check-cross's own checkers must be able to fail. compare must reject
# an int8 result that differs from the host's by one code, and int_only.sh must reject Cortex-M0
# objects that multiply floats, convert an int to double or call libm, and pass an integer one.
# Run from the project root; HOST_CC and CROSS_BUILD as for cross.sh.
set -eu
HOST_CC=${HOST_CC:-cc}
CROSS_BUILD=${CROSS_BUILD:-tests/build/cross}
HERE=tests/cross
S=$CROSS_BUILD/selftest
rm -rf "$S"
mkdir -p "$S"
failures=0
expect() {
    want=$1
    what=$2
    shift 2
    if "$@" > "$S/out.txt" 2>&1; then got=0; else got=1; fi
    if [ "$got" != "$want" ]; then
        echo "cross selftest: $what: exit status $got, expected $want:"
        sed 's/^/    /' "$S/out.txt"
        failures=$((failures + 1))
    fi
}

$HOST_CC -std=c99 -O2 "$HERE/compare.c" -o "$S/compare" -lm
printf 'q8_infer 0 i8 7f\nq8_infer 1 i8 80\n# q8_infer_instructions 10\n' > "$S/host.txt"
printf 'q8_infer 0 i8 7f\nq8_infer 1 i8 80\n# q8_infer_instructions 12\n' > "$S/same.txt"
printf 'q8_infer 0 i8 7f\nq8_infer 1 i8 81\n' > "$S/one_off.txt"
printf 'q8_infer 0 i8 7f\nq8_infer 1 i8 180\n' > "$S/too_wide.txt"
expect 0 "compare, equal int8 results" "$S/compare" "$S/host.txt" "$S/same.txt" 1e-5 1e-12
# The float tolerances do not apply to int8 results: one code apart is a mismatch.
expect 1 "compare, int8 results one code apart" "$S/compare" "$S/host.txt" "$S/one_off.txt" 1 1
expect 1 "compare, an int8 result wider than a byte" "$S/compare" "$S/host.txt" "$S/too_wide.txt" 1 1

cat > "$S/integer.c" << 'C'
#include <stdint.h>
int32_t integer_only(int32_t a, int32_t b) { return (int32_t)(((int64_t)a * b) >> 31) / (b | 1); }
C
cat > "$S/float_mul.c" << 'C'
float float_mul(float a, float b) { return a * b; }
C
cat > "$S/to_double.c" << 'C'
double to_double(int a) { return a; }
C
cat > "$S/libm_call.c" << 'C'
#include <math.h>
long libm_call(float a) { return lroundf(a); }
C
for source in integer float_mul to_double libm_call; do
    arm-none-eabi-gcc -mcpu=cortex-m0 -mthumb -mfloat-abi=soft -std=c99 -O2 -c "$S/$source.c" -o "$S/$source.o"
done
expect 0 "int_only.sh, integer arithmetic and division" sh "$HERE/int_only.sh" "$S/integer.o"
expect 1 "int_only.sh, a float multiply" sh "$HERE/int_only.sh" "$S/float_mul.o"
expect 1 "int_only.sh, an int to double conversion" sh "$HERE/int_only.sh" "$S/to_double.o"
expect 1 "int_only.sh, a libm call" sh "$HERE/int_only.sh" "$S/libm_call.o"
expect 1 "int_only.sh, one bad object among good ones" sh "$HERE/int_only.sh" "$S/integer.o" "$S/float_mul.o"

if [ $failures -ne 0 ]; then
    echo "cross selftest: $failures checks failed"
    exit 1
fi
echo "cross selftest: compare and int_only.sh reject what they must (9 cases)"
