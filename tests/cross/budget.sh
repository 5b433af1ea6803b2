#!/bin/sh
# tests/cross/budget.sh BUILD: the Cortex-M4F float code must take fewer instructions per call than
# CMSIS-DSP (arm_mat_mult_f32 and its kernels, arm-none-eabi-gcc 12.2 -O2, issue 13's figures) for
# the same networks: seed3's one-sample inference and train step (m = 64), xor's. Reads the
# result.txt that tests/cross/cross.sh wrote for each into BUILD/<name>.build/ (make check-cross
# runs it after them). The looped code gcc was left to optimize took 2.4x CMSIS-DSP's count for
# seed3's inference; the GRADC_CORTEXM kernels take 0.43x. Then int8 against float (below).
set -eu
build=${1:?usage: budget.sh BUILD}
failures=0
# value NAME KEY: KEY's value in NAME's result.txt (empty when it has none)
value() {
    result=$build/$1.build/result.txt
    [ -f "$result" ] || { echo "cross budget: no $result (run tests/cross/cross.sh on $1 first)" >&2; exit 1; }
    sed -n "s/^$2=//p" "$result"
}
check() {
    name=$1
    key=$2
    cmsis=$3
    got=$(value "$name" "$key") || exit 1
    if [ -z "$got" ] || [ "$got" -ge "$cmsis" ]; then
        echo "cross budget: $name $key: ${got:-?} instructions, not fewer than CMSIS-DSP's $cmsis"
        failures=$((failures + 1))
    fi
}
check seed3 infer_instructions 4160
check seed3 train_instructions 1047595
check xor infer_instructions 785
check xor train_instructions 5674
# The one-sample convolutions' row tiles (gen/ops/conv.lua): digits_cnn's float inference took
# 250,331 instructions with them (1,215,480 with one output position at a time); 2% above that
# fails, as for the int8 counts below.
infer=$(value digits_cnn infer_instructions) || exit 1
if [ -z "$infer" ] || [ "$infer" -gt 255338 ]; then
    echo "cross budget: digits_cnn infer_instructions: ${infer:-?}, more than the 255338 allowed (250331 measured)"
    failures=$((failures + 1))
fi
# int8 against float on the same chip (issue 12): for every net of make check-cross with an int8
# build, net_q8_infer must take fewer instructions than the float net_infer, and at most 2% more
# than the count measured when gen/q8/pairs.lua's kernels went in (arm-none-eabi-gcc 12.2 -O2:
# xor 90, seed3 1484, reg 5673, digits 3724, deep16_b1 11539, schedule_step_sgd 209,
# schedule_cosine_adam 126; before them the dense nets' int8 took 1.2-1.5x float's count: seed3
# 2606, reg 9816, digits 5881, deep16_b1 20716), and the convolutions' when they took the pair
# kernel over planes (digits_cnn 103722, conv_layouts 14481, conv1d_layouts 4078; digits_cnn
# took 216040 with the SXTB16 rows over patches). The counts are exact (QEMU -icount); the 2%
# leaves room for the harness, not for a slower kernel.
check_int8() {
    name=$1
    ceiling=$2
    int8=$(value "$name" q8_instructions) || exit 1
    float=$(value "$name" infer_instructions) || exit 1
    if [ -z "$int8" ] || [ -z "$float" ] || [ "$int8" -ge "$float" ]; then
        echo "cross budget: $name: int8 ${int8:-?} instructions, not fewer than float's ${float:-?}"
        failures=$((failures + 1))
    elif [ "$int8" -gt "$ceiling" ]; then
        echo "cross budget: $name: int8 $int8 instructions, more than the $ceiling measured"
        failures=$((failures + 1))
    fi
}
check_int8 xor 92
check_int8 seed3 1514
check_int8 reg 5787
check_int8 digits 3799
check_int8 digits_cnn 105796
check_int8 deep16_b1 11770
check_int8 schedule_step_sgd 214
check_int8 schedule_cosine_adam 129
check_int8 conv_layouts 14770
check_int8 conv1d_layouts 4159
# The Cortex-M4F target, which the conv net meets (2.41x; the dense nets cannot: the
# README's Cortex-M4F section gives the bound): digits_cnn's int8 at most half of float's count.
int8=$(value digits_cnn q8_instructions) || exit 1
float=$(value digits_cnn infer_instructions) || exit 1
if [ -z "$int8" ] || [ -z "$float" ] || [ $((2 * int8)) -gt "$float" ]; then
    echo "cross budget: digits_cnn: int8 ${int8:-?} instructions, more than half of float's ${float:-?}"
    failures=$((failures + 1))
fi
[ $failures -eq 0 ] || exit 1
echo "cross budget: seed3 and xor take fewer instructions than CMSIS-DSP on the Cortex-M4F, digits_cnn's float convolutions no more than their row tiles took, int8 fewer than float on every net and digits_cnn's int8 at most half of float's"
