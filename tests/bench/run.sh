#!/bin/sh
# The whole `make bench` measurement, once the programs are built (tests/bench/bench.mk):
#   tests/bench/run.sh BUILD_DIR README [SUITES]
# SUITES: "dense conv" (the default, `make bench`), "dense" or "conv" (`make bench-conv`).
# 1. prep: the gradc programs write each net's data (initial weights from <net>_init with the
#    spec's seed, X, Y) into BUILD_DIR/data/<net>/ (conv nets: BUILD_DIR/conv/data/<net>/), which
#    every implementation then reads;
# 2. two passes; in each, for every dense net, every implementation in turn (gradc both builds,
#    the reference engine, Eigen, OpenBLAS, LIBXSMM, oneDNN, XNNPACK; one process each, so
#    a net is measured by all of them close together in time), then PyTorch for all dense nets;
#    then for every conv net, every conv implementation in turn (gradc both builds, PyTorch,
#    oneDNN, XNNPACK);
# 3. reports: correctness gates, tables, README (tests/bench/report.c, conv/report_conv.c).
# A program that is missing, does not build or fails becomes a note and an empty column.
set -eu

build=$1
readme=$2
suites=${3:-dense conv}
data=$build/data
results=$build/results.txt
nets="xor seed3 mlp reg"
conv=$build/conv
conv_data=$conv/data
conv_results=$conv/results.txt
conv_nets="cnn8 kws"
conv_src=tests/bench/conv
python=${BENCH_PYTHON:-/usr/bin/python3}  # Debian's, where python3-torch installs

# Single-threaded everywhere: OpenBLAS, and the OpenMP/BLAS threads under PyTorch.
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1

has_suite() {
    case " $suites " in *" $1 "*) return 0 ;; esac
    return 1
}
for suite in $suites; do
    case $suite in
    dense | conv) ;;
    *) echo "run.sh: unknown suite '$suite' (expected dense and/or conv)" >&2; exit 2 ;;
    esac
done

# say and run append to $sink: the dense or the conv results file.
sink=$results
: > "$results"
mkdir -p "$conv"
: > "$conv_results"
say() { echo "$*" >> "$sink"; }

cpu_field() { sed -n "s/^$1[[:space:]]*: //p" /proc/cpuinfo | head -n 1; }
cache() { lscpu 2>/dev/null | sed -n "s/^$1 cache:[[:space:]]*//p"; }
# The vector extensions the peers' kernels choose between, as the kernel reports them.
cpu_flags() {
    flags=$(sed -n 's/^flags[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
    for flag in avx2 fma avx512f avx512_vnni avx512_bf16 amx_tile; do
        case " $flags " in
        *" $flag "*) printf ' %s' "$flag" ;;
        *) printf ' no-%s' "$flag" ;;
        esac
    done
}
cpu="$(cpu_field 'model name'), family $(cpu_field 'cpu family') model $(cpu_field model)"
say "machine cpu: $cpu, flags:$(cpu_flags), $(grep -c '^processor' /proc/cpuinfo) logical" \
    "CPUs, L1d $(cache L1d), L2 $(cache L2) (from /proc/cpuinfo and lscpu)"
say "machine C compiler: $(${BENCH_CC:-cc} --version | head -n 1)"
say "machine C++ compiler: $(${BENCH_CXX:-g++} --version | head -n 1)"
cp "$results" "$conv_results"

if has_suite dense; then
    for net in $nets; do
        "$build/gradc-O3/$net" "$data" --prep
    done
fi
if has_suite conv; then
    for net in $conv_nets; do
        "$conv/gradc-O3/$net" "$conv_data" --prep
    done
fi

# Runs one program; a failure becomes a note and the column stays empty.
run() {
    label=$1
    shift
    if ! "$@" >> "$sink" 2> "$build/last-error.txt"; then
        say "note $label failed: $(head -c 300 "$build/last-error.txt" | tr '\n' ' ')"
        cat "$build/last-error.txt" >&2
    fi
}

# The same for a program whose library reports on stderr what it ran (LIBXSMM_VERBOSE's
# summary of the kernels it generated, per net): each non-empty line of that becomes an
# "info LABEL NET stderr:" line.
run_reporting() {
    label=$1
    net=$2
    shift 2
    run "$label" "$@"
    sed -n "/[^[:space:]]/s/^/info $label $net stderr: /p" "$build/last-error.txt" >> "$sink"
}

have_ref=1
if has_suite dense && [ ! -x "$build/ref" ]; then
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

# The conv peers: oneDNN and XNNPACK come from their own source files, which may not be in this
# tree yet; bench.mk builds each only when its file is there and leaves no program when the
# build fails (its log says why).
# (The source is looked at first: a program left in the build directory from a tree that had
# the file is not run.)
have_peer() {  # LABEL SOURCE NAME
    if [ ! -f "$conv_src/$2" ]; then
        echo "note $3: column skipped, $conv_src/$2 is not in this tree" >> "$conv_results"
    elif [ -x "$conv/$1" ]; then
        return 0
    else
        echo "note $3: column skipped, $conv_src/$2 did not build ($conv/$1-build.log):" \
            "$( (grep -m 1 'error' "$conv/$1-build.log" || head -n 1 "$conv/$1-build.log") \
                2> /dev/null | head -c 300)" >> "$conv_results"
    fi
    return 1
}
have_dnnl=0
have_xnnpack=0
if has_suite conv; then
    [ "$have_torch" = 1 ] || grep '^note PyTorch' "$results" >> "$conv_results" || true
    ! have_peer dnnl bench_dnnl.cpp oneDNN || have_dnnl=1
    ! have_peer xnnpack bench_xnnpack.c XNNPACK || have_xnnpack=1
fi

for pass in 1 2; do
    printf 'bench: pass %s:' "$pass" >&2
    sink=$results
    has_suite dense || nets=""
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
        run_reporting libxsmm "$net" env LIBXSMM_VERBOSE=2 \
            "$build/libxsmm" "$data" "$pass" libxsmm "$net"
        run dnnl "$build/dnnl" "$data" "$pass" dnnl "$net"
        run xnnpack "$build/xnnpack" "$data" "$pass" xnnpack "$net"
    done
    if has_suite dense; then
        printf ' (peak)' >&2
        run peak "$build/peak" "$pass"
        if [ "$have_torch" = 1 ]; then
            printf ' (PyTorch)' >&2
            run torch "$python" tests/bench/bench_torch.py "$data" "$pass" torch
        fi
    fi
    sink=$conv_results
    has_suite conv || conv_nets=""
    for net in $conv_nets; do
        printf ' %s' "$net" >&2
        run gradc-O3 "$conv/gradc-O3/$net" "$conv_data" "$pass" gradc-O3
        run gradc-O2 "$conv/gradc-O2/$net" "$conv_data" "$pass" gradc-O2
        [ "$have_torch" = 0 ] ||
            run torch "$python" "$conv_src/bench_torch_conv.py" "$conv_data" "$pass" torch "$net"
        [ "$have_dnnl" = 0 ] || run dnnl "$conv/dnnl" "$conv_data" "$pass" dnnl "$net"
        [ "$have_xnnpack" = 0 ] || run xnnpack "$conv/xnnpack" "$conv_data" "$pass" xnnpack "$net"
    done
    echo >&2
done

if has_suite dense; then
    "$build/report" "$results" "$data" "$readme" "$build/results.md"
fi
if has_suite conv; then
    "$conv/report" "$conv_results" "$conv_data" "$readme" "$conv/results.md"
fi
