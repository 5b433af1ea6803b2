#!/bin/sh
# `make bench-unroll`: each net generated with unroll = "full", "loops" and "auto" (from copies
# of its spec with the unroll field changed), then per mode: forward and train-step time (median
# ns, two passes, the better one used, as in `make bench`), the .text size of <net>.o and the
# time to compile <net>.c alone.
#   tests/bench/unroll.sh GRADC BUILD_DIR 'CFLAGS' SPEC...
set -eu

gradc=$1
build=$2
flags=$3
shift 3
cc=${BENCH_CC:-cc}
src=tests/bench
modes="full loops auto"
rows=$build/rows.txt
times=$build/times.txt

rm -rf "$build"
mkdir -p "$build"
: > "$rows"
: > "$times"

# A copy of the spec with unroll = MODE (the field replaced, or added after the name).
spec_copy() {
    if grep -q '^[[:space:]]*unroll[[:space:]]*=' "$1"; then
        sed "s/^\([[:space:]]*unroll[[:space:]]*=[[:space:]]*\)\"[a-z]*\"/\1\"$2\"/" "$1"
    else
        sed "s/^\([[:space:]]*name[[:space:]]*=.*\)$/\1\n  unroll = \"$2\",/" "$1"
    fi
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

for spec in "$@"; do
    net=$(basename "$spec" .lua)
    upper=$(echo "$net" | tr a-z A-Z)
    for mode in $modes; do
        dir=$build/$mode
        mkdir -p "$dir/specs"
        spec_copy "$spec" "$mode" > "$dir/specs/$net.lua"
        if ! grep -q "unroll = \"$mode\"" "$dir/specs/$net.lua"; then
            echo "unroll.sh: cannot set unroll in $spec" >&2
            exit 1
        fi
        printf 'bench-unroll: %s %s\n' "$net" "$mode" >&2
        if ! "$gradc" --out "$dir/gen" "$dir/specs/$net.lua" > "$dir/$net.gen.txt" 2>&1; then
            message=$(tail -n 1 "$dir/$net.gen.txt")
            case $message in
            *unroll*) echo "$net $mode refused $message" >> "$rows" ;;
            *) echo "$net $mode failed $message" >> "$rows" ;;
            esac
            continue
        fi
        # What the generator chose per layer (the last column of its summary's layer lines).
        shape=$(awk '$1 ~ /^[0-9]+$/ && $3 == "->" { s = s (s ? "," : "") $NF } END { print s }' \
            "$dir/$net.gen.txt")
        start=$(now_ms)
        $cc -std=c99 $flags -Wall -Wextra -c "$dir/gen/$net/$net.c" -o "$dir/$net.o"
        compile_ms=$(($(now_ms) - start))
        text=$(size "$dir/$net.o" | awk 'NR == 2 { print $1 }')
        $cc -std=c99 $flags -Wall -Wextra -I"$dir/gen/$net" -DNET="$net" -DNET_UPPER="$upper" \
            "-DNET_HEADER=\"$net.h\"" "-DBENCH_FLAGS=\"$flags ($mode)\"" \
            $src/bench_gradc.c $src/harness.c "$dir/$net.o" "$dir/gen/$net/${net}_io.c" -lm \
            -o "$dir/$net"
        "$dir/$net" "$dir/data" --prep
        echo "$net $mode ok $text $compile_ms $shape" >> "$rows"
    done
done

for pass in 1 2; do
    printf 'bench-unroll: pass %s\n' "$pass" >&2
    while read -r net mode status rest; do
        [ "$status" = ok ] || continue
        "$build/$mode/$net" "$build/$mode/data" "$pass" "$mode" | awk '$1 == "result"' >> "$times"
    done < "$rows"
done

echo
echo "bench-unroll: gradc's unroll modes, compiled with: ${cc} -std=c99 $flags"
echo "  times are median ns per call, pass 1 / pass 2; compile = wall time of compiling <net>.c alone"
awk -v times="$times" '
    BEGIN {
        while ((getline line < times) > 0) {
            split(line, f, " ")            # result LABEL NET PASS FORWARD TRAIN ...
            key = f[3] " " f[2]
            fwd[key, f[4]] = f[5]; trn[key, f[4]] = f[6]
        }
        printf "  %-6s %-6s %-27s %-21s %-21s %11s %10s\n", "net", "mode", "layer code", \
            "forward ns (p1 / p2)", "train ns (p1 / p2)", ".text bytes", "compile s"
    }
    $3 == "refused" || $3 == "failed" {
        msg = $0; sub(/^[^ ]+ [^ ]+ [^ ]+ /, "", msg)
        printf "  %-6s %-6s %s: %s\n", $1, $2, ($3 == "failed" ? "GENERATOR FAILED" : "refused"), msg
        next
    }
    {
        key = $1 " " $2
        printf "  %-6s %-6s %-27s %21s %21s %11d %10.2f\n", $1, $2, $6, \
            sprintf("%.0f / %.0f", fwd[key, 1], fwd[key, 2]), \
            sprintf("%.0f / %.0f", trn[key, 1], trn[key, 2]), $4, $5 / 1000
    }' "$rows"
