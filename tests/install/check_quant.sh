#!/bin/sh
# tests/install/check_quant.sh PREFIX PROJECT WORK: the QUANT int8 part of check-install (run by
# tests/install/check.sh once the example PROJECT is built, so PROJECT/build/xor.bin holds weights
# trained for PROJECT/xor.lua). A project in WORK asks gradc_add_model for an int8 build of them,
# calibrated on the four XOR points; it must compile <name>_q8.c and <name>_qinfer.c into the
# library (strict warnings, C99), its xor_qinfer must classify all four points, and a changed
# calibration file must regenerate it.
set -eu

prefix=$1
project=$2
work=$3
fail() {
    echo "check-install (QUANT): $*" >&2
    exit 1
}
fail_log() {
    cat "$1" >&2
    shift
    fail "$@"
}

mkdir -p "$work"
cp "$project/xor.lua" "$work/xor.lua"
cp "$project/build/xor.bin" "$work/xor.bin"
printf '0,0,0\n0,1,1\n1,0,1\n1,1,0\n' > "$work/calib.csv"
cat > "$work/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.15)
project(quant_check C)
find_package(gradc REQUIRED)
gradc_add_model(xor_q8 SPEC xor.lua WEIGHTS xor.bin QUANT int8 CALIB calib.csv)
add_executable(app_q8 app_q8.c)
target_link_libraries(app_q8 PRIVATE xor_q8)
CMAKE
cat > "$work/app_q8.c" <<'C'
#include <stdio.h>

#include "xor.h"

int main(void)
{
    static const xor_real points[4][XOR_INPUTS] = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};
    int wrong = 0;
    for (int i = 0; i < 4; ++i) {
        xor_real quantized[XOR_OUTPUTS], exact[XOR_OUTPUTS];
        xor_qinfer(points[i], quantized);
        xor_infer(points[i], exact);
        const int expected = (points[i][0] > 0.5f) != (points[i][1] > 0.5f);
        printf("%g xor %g -> int8 %.3f, float %.3f\n", (double)points[i][0], (double)points[i][1],
               (double)quantized[0], (double)exact[0]);
        wrong += (quantized[0] > 0.5f) != expected;
    }
    return wrong == 0 ? 0 : 1;
}
C
strict="-Wall -Wextra -Wpedantic -Wconversion -Wshadow -Werror"
cmake -S "$work" -B "$work/build" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_C_FLAGS="$strict" \
    -DCMAKE_EXPORT_COMPILE_COMMANDS=ON > "$work/configure.log" 2>&1 \
    || fail_log "$work/configure.log" "configuring failed"
cmake --build "$work/build" > "$work/build.log" 2>&1 || fail_log "$work/build.log" "the build failed"
"$work/build/app_q8" > "$work/app.txt" || fail_log "$work/app.txt" "xor_qinfer mispredicted"
for file in xor_q8.c xor_qinfer.c; do
    grep -q "$file.*-std=c99\|-std=c99.*$file" "$work/build/compile_commands.json" \
        || fail "$file is not compiled (as C99) into the library"
done
sleep 1
printf '0,0,0\n0,1,1\n1,0,1\n1,1,0\n0.5,0.5,0\n' > "$work/calib.csv"
cmake --build "$work/build" > "$work/recalib.log" 2>&1 || fail_log "$work/recalib.log" "rebuild failed"
grep -q "gradc: generating xor_q8 " "$work/recalib.log" \
    || fail_log "$work/recalib.log" "a changed calibration file did not regenerate the model"
"$work/build/app_q8" > "$work/app.txt" || fail_log "$work/app.txt" "xor_qinfer mispredicted after recalibration"
echo "check-install: QUANT int8 built, ran and regenerated on a new calibration file"
