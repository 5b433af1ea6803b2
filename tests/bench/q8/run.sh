#!/bin/sh
# make bench-q8: int8 inference against float inference on this x86-64 machine.
#
#   sh tests/bench/q8/run.sh GRADC BUILD_DIR SPEC...
#
# For each spec: its initial weights (the spec's init and seed, as make cross makes them), 64
# calibration rows drawn like the cross tests' inputs (tests/cross/calib_csv.c), then gradc
# --weights --quant int8 --calib: the const-weights float build and the int8 build side by side.
# bench_q8.c times <name>_infer and <name>_q8_infer in one process (medians of 301 alternating
# samples), built twice: -O2 -march=native (each build's widest paths: AVX-512 float kernels,
# the int8 AVX2 or VNNI kernels) and plain -O2 (a generic x86-64 build: both dispatch to what
# the CPU has at run time). Prints one markdown row per spec and build. Timings, so shared
# machines are noisy: the ratio is the figure to read.
set -eu
[ $# -ge 3 ] || { echo "usage: run.sh GRADC BUILD_DIR SPEC..." >&2; exit 2; }
GRADC=$1
B=$2
shift 2
CC=${BENCH_CC:-cc}
CROSS=tests/cross
STRICT="-std=c99 -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Werror"
mkdir -p "$B"
echo "| spec | multiply-adds | build | float \`_infer\` ns | int8 \`_q8_infer\` ns | int8 faster |"
echo "|---|---:|---|---:|---:|---:|"
for spec in "$@"; do
    name=$(basename "$spec" .lua)
    upper=$(echo "$name" | tr 'a-z' 'A-Z')
    W=$B/$name
    rm -rf "$W"
    mkdir -p "$W"
    defs="-DMODEL=$name -DMODEL_UPPER=$upper -DMODEL_HEADER=\"$name.h\""
    "$GRADC" --out "$W/train" "$spec" > "$W/gradc.log" 2>&1 || { cat "$W/gradc.log"; exit 1; }
    # shellcheck disable=SC2086
    $CC $STRICT -O2 $defs -I"$W/train/$name" -I$CROSS "$CROSS/make_weights.c" "$W/train/$name/$name.c" \
        "$W/train/$name/${name}_io.c" -o "$W/make_weights" -lm
    "$W/make_weights" "$W/init.weights"
    # shellcheck disable=SC2086
    $CC $STRICT -O2 $defs -I"$W/train/$name" -I$CROSS "$CROSS/calib_csv.c" "$CROSS/probe.c" "$CROSS/host.c" \
        -o "$W/calib_csv"
    "$W/calib_csv" 64 "$W/calib.csv"
    "$GRADC" --out "$W/gen" --weights "$W/init.weights" --quant int8 --calib "$W/calib.csv" "$spec" \
        >> "$W/gradc.log" 2>&1 || { cat "$W/gradc.log"; exit 1; }
    G=$W/gen/$name
    macs=$(lua5.4 "$CROSS/refnet.lua" "$spec" macs | sed -n 's/^infer_macs //p')
    for build in "-O2 -march=native" "-O2"; do
        # shellcheck disable=SC2086
        $CC $STRICT $build $defs -I"$G" -I$CROSS tests/bench/q8/bench_q8.c "$G/${name}_weights.c" \
            "$G/${name}_q8.c" -o "$W/bench" -lm
        set -- $("$W/bench")
        echo "| $name | $macs | \`$build\` | $1 | $2 | $3x |"
    done
done
