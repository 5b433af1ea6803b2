#!/bin/sh
# tests/cross/selftest.sh: make check-cross's own checkers must be able to fail. compare must reject
# an int8 result that differs from the host's by one code, and int_only.sh must reject Cortex-M0
# objects that multiply floats, convert an int to double or call libm, and pass an integer one;
# stack_within.sh a stack above the header's figure. With the RISC-V tools: rv_symbols.sh the same
# for rv32imf (double code) and rv32imac (any floating point) objects, and the RISC-V board must
# measure calls of known cost and fail runs that trap or are not counted.
# Run from the project root; HOST_CC, CROSS_BUILD and CROSS_RISCV as for cross.sh.
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
# float results of opposite signs: the ulps through zero (1 and 2 from it), not a wrapped count
printf 'infer 0 f32 00000001\n' > "$S/tiny_plus.txt"
printf 'infer 0 f32 80000002\n' > "$S/tiny_minus.txt"
"$S/compare" "$S/tiny_plus.txt" "$S/tiny_minus.txt" 1e-5 1e-12 > "$S/out.txt" 2>&1 || true
if ! grep -q "(3 ulp)" "$S/out.txt"; then
    echo "cross selftest: compare, results of opposite signs: expected (3 ulp) in: $(cat "$S/out.txt")"
    failures=$((failures + 1))
fi

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

# The stack check shared by the RISC-V runs: a measurement above the header's figure, or none at
# all, fails.
expect 0 "stack_within.sh, the measured stack at the header's figure" sh "$HERE/stack_within.sh" call 256 256
expect 1 "stack_within.sh, one byte more than the header's figure" sh "$HERE/stack_within.sh" call 257 256
expect 1 "stack_within.sh, no measurement" sh "$HERE/stack_within.sh" call "" 256
cases=12

# RISC-V (when its tools are installed, as for cross.sh): rv_symbols.sh must reject double code in
# an rv32imf object and any floating point or libm in an rv32imac one; and the board must measure
# the stack and instructions of calls of known cost, and fail (not hang) a run that traps or that
# QEMU does not count instructions for.
riscv=yes
for tool in riscv64-unknown-elf-gcc riscv64-unknown-elf-nm qemu-system-riscv32; do
    command -v "$tool" > /dev/null 2>&1 || riscv=no
done
if [ "${CROSS_RISCV:-auto}" = no ]; then
    riscv=no
elif [ $riscv = no ]; then
    [ "${CROSS_RISCV:-auto}" = require ] && { echo "cross selftest: RISC-V tools not installed"; exit 1; }
    echo "cross selftest: RISC-V checks skipped (riscv64-unknown-elf-gcc or qemu-system-riscv32 not installed)"
fi
if [ $riscv = yes ]; then
    cat > "$S/float_libm.c" << 'C'
#include <math.h>
float float_libm(float a) { return expf(a) * a; }
C
    cat > "$S/double_libm.c" << 'C'
#include <math.h>
float double_libm(float a) { return (float)tanh((double)a); }
C
    RV_FLAGS="-std=c99 -O2 --specs=picolibc.specs"
    for source in float_mul float_libm to_double double_libm; do
        # shellcheck disable=SC2086
        riscv64-unknown-elf-gcc -march=rv32imf -mabi=ilp32f $RV_FLAGS -c "$S/$source.c" -o "$S/$source.rv32imf.o"
    done
    for source in integer float_mul to_double libm_call; do
        # shellcheck disable=SC2086
        riscv64-unknown-elf-gcc -march=rv32imac -mabi=ilp32 $RV_FLAGS -c "$S/$source.c" -o "$S/$source.rv32imac.o"
    done
    symbols() {
        RV_SYMBOLS_CACHE=$S sh "$HERE/rv_symbols.sh" "$@"
    }
    # rejects: exit status 1 (not a usage or shell error) and the offending routine named
    rejects() {
        what=$1
        routine=$2
        shift 2
        if "$@" > "$S/out.txt" 2>&1; then got=0; else got=$?; fi
        if [ "$got" != 1 ] || ! grep -qw -- "$routine" "$S/out.txt"; then
            echo "cross selftest: $what: exit status $got, expected 1 naming $routine:"
            sed 's/^/    /' "$S/out.txt"
            failures=$((failures + 1))
        fi
    }
    expect 0 "rv_symbols.sh no-double, a float multiply" symbols no-double rv32imf "$S/float_mul.rv32imf.o"
    expect 0 "rv_symbols.sh no-double, a float libm call" symbols no-double rv32imf "$S/float_libm.rv32imf.o"
    rejects "rv_symbols.sh no-double, an int to double conversion" __floatsidf \
        symbols no-double rv32imf "$S/to_double.rv32imf.o"
    rejects "rv_symbols.sh no-double, a libm double call" tanh symbols no-double rv32imf "$S/double_libm.rv32imf.o"
    # what cross.sh lets through in its images (picolibc's own __truncdfsf2) lets nothing else through
    allowing() {
        RV_SYMBOLS_ALLOW=__truncdfsf2 symbols "$@"
    }
    rejects "rv_symbols.sh no-double, a libm double call, __truncdfsf2 allowed" tanh \
        allowing no-double rv32imf "$S/double_libm.rv32imf.o"
    expect 0 "rv_symbols.sh int-only, integer arithmetic and division" symbols int-only rv32imac "$S/integer.rv32imac.o"
    rejects "rv_symbols.sh int-only, a float multiply" __mulsf3 symbols int-only rv32imac "$S/float_mul.rv32imac.o"
    rejects "rv_symbols.sh int-only, an int to double conversion" __floatsidf \
        symbols int-only rv32imac "$S/to_double.rv32imac.o"
    rejects "rv_symbols.sh int-only, a libm call" lroundf symbols int-only rv32imac "$S/libm_call.rv32imac.o"
    rejects "rv_symbols.sh int-only, one bad object among good ones" __mulsf3 symbols int-only rv32imac \
        "$S/integer.rv32imac.o" "$S/float_mul.rv32imac.o"
    cases=$((cases + 10))

    # The board on both cores, as cross.sh builds and runs it.
    QEMU_RV="qemu-system-riscv32 -M virt -bios none -nographic -semihosting-config enable=on,target=native"
    for core in rv32imf rv32imac; do
        case $core in
        rv32imf) arch="-march=rv32imf -mabi=ilp32f" cpu=rv32,d=false,c=false ;;
        *) arch="-march=rv32imac -mabi=ilp32" cpu=rv32,f=false,d=false ;;
        esac
        for variant in check trap; do
            defines=
            [ $variant = trap ] && defines=-DBOARD_CHECK_TRAP
            # shellcheck disable=SC2086
            riscv64-unknown-elf-gcc $arch $RV_FLAGS -Wall -Wextra -Werror $defines -nostartfiles \
                -T "$HERE/board/riscv_virt.ld" -Wl,--gc-sections -I"$HERE" "$HERE/board/riscv_board.c" \
                "$HERE/probe.c" "$HERE/board_check_main.c" -o "$S/board_$variant.$core.elf"
        done
        # shellcheck disable=SC2086
        run_board() {
            timeout 20 $QEMU_RV -cpu $cpu "$@" > /dev/null
        }
        expect 0 "$core board, a run under -icount" run_board -icount shift=0 -kernel "$S/board_check.$core.elf"
        run_board -icount shift=0 -kernel "$S/board_check.$core.elf" 2> "$S/board.$core.txt" || true
        measured() {
            sed -n "s/^# $1 //p" "$S/board.$core.txt"
        }
        # at least the buffer, and no more than a frame's worth on top of it
        within() {
            [ -n "$1" ] && [ "$1" -ge "$2" ] && [ "$1" -le "$3" ]
        }
        known=$(measured known_stack_bytes)
        expect 0 "$core board, the stack of a call with a ${known:-?} B buffer: $(measured measured_stack_bytes) B" \
            within "$(measured measured_stack_bytes)" "${known:-1}" "$((${known:-0} + 64))"
        known=$(measured known_instructions)
        expect 0 "$core board, the instructions of a ${known:-?}-instruction loop: $(measured measured_instructions)" \
            within "$(measured measured_instructions)" "${known:-1}" "$((${known:-0} + 16))"
        expect 1 "$core board, a run without -icount" run_board -kernel "$S/board_check.$core.elf"
        expect 1 "$core board, a run that traps" run_board -icount shift=0 -kernel "$S/board_trap.$core.elf"
        run_board -icount shift=0 -kernel "$S/board_trap.$core.elf" 2> "$S/trap.$core.txt" || true
        expect 0 "$core board, the trap reported" grep -q "board: trap, mcause" "$S/trap.$core.txt"
        cases=$((cases + 6))
    done
fi

if [ $failures -ne 0 ]; then
    echo "cross selftest: $failures checks failed"
    exit 1
fi
checked="compare, int_only.sh and stack_within.sh"
[ $riscv = yes ] && checked="compare, int_only.sh, stack_within.sh, rv_symbols.sh and the RISC-V board"
echo "cross selftest: $checked reject what they must ($cases cases)"
