#!/bin/sh
# tests/cross/budget.sh BUILD: the Cortex-M4F float code must take fewer instructions per call than
# CMSIS-DSP (arm_mat_mult_f32 and its kernels, arm-none-eabi-gcc 12.2 -O2, issue 13's figures) for
# the same networks: seed3's one-sample inference and train step (m = 64), xor's. Reads the
# result.txt that tests/cross/cross.sh wrote for each into BUILD/<name>.build/ (make check-cross
# runs it after them). The looped code gcc was left to optimize took 2.4x CMSIS-DSP's count for
# seed3's inference; the GRADC_CORTEXM kernels take 0.43x.
set -eu
build=${1:?usage: budget.sh BUILD}
failures=0
check() {
    name=$1
    key=$2
    cmsis=$3
    result=$build/$name.build/result.txt
    [ -f "$result" ] || { echo "cross budget: no $result (run tests/cross/cross.sh on $name first)"; exit 1; }
    got=$(sed -n "s/^$key=//p" "$result")
    if [ -z "$got" ] || [ "$got" -ge "$cmsis" ]; then
        echo "cross budget: $name $key: ${got:-?} instructions, not fewer than CMSIS-DSP's $cmsis"
        failures=$((failures + 1))
    fi
}
check seed3 infer_instructions 4160
check seed3 train_instructions 1047595
check xor infer_instructions 785
check xor train_instructions 5674
[ $failures -eq 0 ] || exit 1
echo "cross budget: seed3 and xor take fewer instructions than CMSIS-DSP on the Cortex-M4F"
