#!/bin/sh
# templates/train/train.sh: from a spec and a data file to a trained model (what `make train` runs).
#
#   sh templates/train/train.sh --spec SPEC --data FILE [--targets FILE] [--epochs N] [--out DIR]
#       [--gradc BIN] [--cc CC] [--cflags FLAGS] [--build DIR] [--build-only] [-- DRIVER-OPTIONS]
#
# Each run works in its own folder BUILD/run-XXXXXX (below, BUILD means that folder), removed at
# the end. 1. gradc generates the model into BUILD/gen/<name>/ (its own message and exit status on
#    a bad spec), and the driver (templates/train/train.c) is compiled against it into BUILD/<name>/train,
#    with the model's prefix and loss as macros (the loss is read from the generated header's banner);
# 2. the driver checks the data, trains (stopping early with --patience N), and writes <name>.bin,
#    <name>.scale, loss.csv, split.csv, report.txt and predictions.csv (and, for a spec with
#    standardize = true, calib.csv) into BUILD/<name>/run/;
# 3. the new OUT/<name>/ is put together in BUILD/<name>/stage/<name>/: the model the driver was
#    built against, the six files, and (where gnuplot is installed) loss.csv plotted as loss.png;
# 4. `gradc --install` swaps it in as OUT/<name>/ in one step, the way gradc replaces its own
#    output. Until then OUT is not touched: bad data, a failed build, plot or copy, Ctrl-C or a
#    kill leave a previously trained OUT/<name>/ exactly as it was.
# Options after `--` go to the driver (e.g. -- --val 25 --seed 3). With --build-only, the script
# stops after step 1 and prints the driver's path.
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
gradc=gen/build/gradc cc=cc cflags="-O2" build=tests/build/train
spec="" data="" targets="" epochs=100 out=out build_only=0

die() {
    echo "$*" >&2
    exit 1
}

while [ $# -gt 0 ]; do
    case "$1" in
    --spec | --data | --targets | --epochs | --out | --gradc | --cc | --cflags | --build)
        [ $# -ge 2 ] || die "train.sh: $1 needs a value"
        case "$1" in
        --spec) spec=$2 ;; --data) data=$2 ;; --targets) targets=$2 ;; --epochs) epochs=$2 ;;
        --out) out=$2 ;; --gradc) gradc=$2 ;; --cc) cc=$2 ;; --cflags) cflags=$2 ;; --build) build=$2 ;;
        esac
        shift 2 ;;
    --build-only) build_only=1; shift ;;
    --) shift; break ;;
    *) die "train.sh: unknown option $1" ;;
    esac
done
[ -n "$spec" ] || die "make train: SPEC=net.lua is required"
[ $build_only -eq 1 ] || [ -n "$data" ] || die "make train: DATA=file.csv is required (TARGETS=file for separate targets)"

# ---- 1. generate for the driver, and build it
name=$("$gradc" --name "$spec") || exit 1 # a bad spec: gradc's own one-line message
# A training run works in a folder of its own under BUILD, removed when it ends however it ends:
# two runs of one model name at once (into different OUTs) had shared BUILD/<name>/ and installed
# each other's model. --build-only keeps BUILD/gen and BUILD/<name>/train, whose path it prints.
if [ $build_only -eq 0 ]; then
    mkdir -p "$build"
    build=$(mktemp -d "$build/run-XXXXXX")
    trap 'rm -rf "$build"' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
fi
log=$("$gradc" --out "$build/gen" "$spec") || exit 1
gen="$build/gen/$name"
loss=$(sed -n 's/^ \* Network: .*, loss \([a-z]*\),.*/\1/p' "$gen/$name.h" | head -n 1)
case "$loss" in
bce | mse | ce) ;;
*) die "train.sh: cannot read the loss from the banner of $gen/$name.h" ;;
esac
# a batchnorm normalizes with the batch's statistics in the batch functions: validation then runs
# predict, one sample at a time, with the running ones (train.c's evaluate)
batchnorm=0
grep -q '^ \*   layer [0-9]*: batchnorm ' "$gen/$name.h" && batchnorm=1
driver="$build/$name/train"
mkdir -p "$build/$name"
# shellcheck disable=SC2086 # cflags is a list of flags
"$cc" -std=c99 $cflags -Wall -Wextra \
    -DTM_NAME="$name" -DTM_UNAME="$(printf '%s' "$name" | tr '[:lower:]' '[:upper:]')" \
    -DTM_LOSS="TM_LOSS_$(printf '%s' "$loss" | tr '[:lower:]' '[:upper:]')" -DTM_BATCHNORM=$batchnorm \
    -I"$gen" -I"$root/runtime/hosted" "$root/templates/train/train.c" "$root"/runtime/hosted/*.c \
    "$gen"/*.c -lm -o "$driver"
if [ $build_only -eq 1 ]; then
    echo "$driver"
    exit 0
fi

# ---- 2. train
printf '%s\n' "$log" | sed '/^gradc: wrote /d' # the summary, without the build folder's line
run="$build/$name/run"
rm -rf "$run" && mkdir -p "$run"
[ -z "$targets" ] || set -- --targets "$targets" "$@"
"$driver" --data "$data" --epochs "$epochs" --out "$run" "$@"

# ---- 3. the new OUT/<name>/, staged: the model, what training wrote, the plot
stage="$build/$name/stage"
rm -rf "$stage" && mkdir -p "$stage"
cp -R "$gen" "$stage/$name"
cp "$run"/* "$stage/$name/"
files="$name.bin, $name.scale, loss.csv, split.csv, report.txt, predictions.csv"
[ ! -f "$run/calib.csv" ] || files="$files, calib.csv" # a standardized spec's raw calibration rows
if command -v gnuplot > /dev/null 2>&1; then
    gnuplot -e "csv='$stage/$name/loss.csv'; png='$stage/$name/loss.png'; name='$name'" \
        "$root/templates/train/loss.gp"
    files="$files, loss.png"
else
    echo "$name: no gnuplot, so no loss.png (make deps-train installs gnuplot-nox)"
fi

# ---- 4. swapped in whole
"$gradc" --install "$stage/$name" "$out" > /dev/null || exit 1
echo "$name: wrote $out/$name/: the generated model and $files"
