#!/bin/sh
# The whole `make bench` measurement, once the programs are built (tests/bench/bench.mk):
#   tests/bench/run.sh BUILD_DIR README
# 1. prep: the gradc programs write each net's data (initial weights from <net>_init with the
#    spec's seed, X, Y) into BUILD_DIR/data/<net>/, which every implementation then reads;
# 2. two passes; in each, for every net, every implementation in turn (one process each, so a
#    net is measured by all of them close together in time), then PyTorch for all nets;
# 3. report: correctness gate, tables, README.
set -eu

build=$1
readme=$2
data=$build/data
results=$build/results.txt
nets="xor seed3 mlp reg"
python=${BENCH_PYTHON:-/usr/bin/python3}  # Debian's, where python3-torch installs

# Single-threaded everywhere: OpenBLAS, and the OpenMP/BLAS threads under PyTorch.
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1

: > "$results"
say() { echo "$*" >> "$results"; }

cpu_field() { sed -n "s/^$1[[:space:]]*: //p" /proc/cpuinfo | head -n 1; }
cache() { lscpu 2>/dev/null | sed -n "s/^$1 cache:[[:space:]]*//p"; }
avx512=$(grep -q -w avx512f /proc/cpuinfo && echo "AVX-512F" || echo "no AVX-512")
cpu="$(cpu_field 'model name'), family $(cpu_field 'cpu family') model $(cpu_field model)"
say "machine cpu: $cpu, $avx512, $(grep -c '^processor' /proc/cpuinfo) logical CPUs," \
    "L1d $(cache L1d), L2 $(cache L2)"
say "machine C compiler: $(${BENCH_CC:-cc} --version | head -n 1)"
say "machine C++ compiler: $(${BENCH_CXX:-g++} --version | head -n 1)"

for net in $nets; do
    "$build/gradc-O3/$net" "$data" --prep
done

# Runs one program; a failure becomes a note and the column stays empty.
run() {
    label=$1
    shift
    if ! "$@" >> "$results" 2> "$build/last-error.txt"; then
        say "note $label failed: $(head -c 300 "$build/last-error.txt" | tr '\n' ' ')"
        cat "$build/last-error.txt" >&2
    fi
}

have_ref=1
if [ ! -x "$build/ref" ]; then
    have_ref=0
    say "note tests/ref engine: column skipped, it did not build against tests/ref/ref.h" \
        "(see $build/ref-build.log)"
fi

have_torch=0
if [ ! -x "$python" ]; then
    say "note PyTorch: column skipped, there is no $python"
elif ! "$python" -c 'import torch' 2> "$build/torch-error.txt"; then
    say "note PyTorch: column skipped, $python cannot import torch:" \
        "$(tail -n 1 "$build/torch-error.txt")"
else
    have_torch=1
fi

for pass in 1 2; do
    printf 'bench: pass %s:' "$pass" >&2
    for net in $nets; do
        printf ' %s' "$net" >&2
        run gradc-O3 "$build/gradc-O3/$net" "$data" "$pass" gradc-O3
        run gradc-O2 "$build/gradc-O2/$net" "$data" "$pass" gradc-O2
        [ "$have_ref" = 0 ] || run ref "$build/ref" "$data" "$pass" ref "$net"
        run eigen-fixed "$build/eigen-fixed/$net" "$data" "$pass" eigen-fixed
        run eigen-dynamic "$build/eigen-dynamic/$net" "$data" "$pass" eigen-dynamic
        run openblas "$build/openblas" "$data" "$pass" openblas "$net"
        run openblas-skx env OPENBLAS_CORETYPE=SkylakeX \
            "$build/openblas" "$data" "$pass" openblas-skx "$net"
    done
    printf ' (peak)' >&2
    run peak "$build/peak" "$pass"
    if [ "$have_torch" = 1 ]; then
        printf ' (PyTorch)' >&2
        run torch "$python" tests/bench/bench_torch.py "$data" "$pass" torch
    fi
    echo >&2
done

"$build/report" "$results" "$data" "$readme" "$build/results.md"
