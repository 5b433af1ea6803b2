#!/bin/sh
# Generated code size is bounded: with unroll = "auto", no function unrolls more multiply-adds
# than plan.lua's budget (AUTO_FUNCTION_MACS: 1024 in forward and predict, twice that in backward,
# which forms dW and propagates dZ for the same layers), however many small layers a net has; and
# the header and SUMMARY.md label each layer's batch and one-sample code as what was generated.
#   check_size.sh GRADC BUILD_DIR
set -eu
gradc=$1
dir=$2
budget=1024
failed=0
rm -rf "$dir" && mkdir -p "$dir"

# Unrolled multiply-adds of each function of a generated file: products of two constant-index
# elements ("W1[3][2] * A0[2][5]") and multiply-add chains on them (GRADC_FMAF(dZ2[0][1], ...)).
count_macs() {
    awk '
        /^(static |void |[a-z_0-9]+_real )/ {
            name = $0
            if (match(name, /_KERNEL\([a-z_]+\)/)) name = substr(name, RSTART + 8, RLENGTH - 9)
            else { sub(/\(.*/, "", name); sub(/.* /, "", name) }
        }
        {
            line = $0; sub(/\/\*.*\*\//, "", line)
            n = gsub(/\]\[[0-9]+\] \* [A-Za-z_>.-]+[0-9]*\[[0-9]+\]\[[0-9]+\]/, "&", line)
            n += gsub(/GRADC_FMAF?\([^,]*\[[0-9]+\]\[[0-9]+\], [^,]*\[[0-9]+\]\[[0-9]+\],/, "&", line)
            macs[name] += n
        }
        END { for (f in macs) if (macs[f] > 0) print f, macs[f] }' "$@"
}

for net in deep16 deep16_b1; do
    "$gradc" --out "$dir" "tests/size/$net.lua" > /dev/null
    count_macs "$dir/$net/$net.c" "$dir/$net/${net}_kernels.h" > "$dir/$net.macs"
    while read -r fn macs; do
        case $fn in *backward*) limit=$((2 * budget)) ;; *) limit=$budget ;; esac
        if [ "$macs" -gt "$limit" ]; then
            echo "check-size: $net: $fn unrolls $macs multiply-adds (at most $limit)"
            failed=1
        fi
    done < "$dir/$net.macs"
    [ -s "$dir/$net.macs" ] || { echo "check-size: $net: found no unrolled code at all"; failed=1; }
done

# Labels: batch 32 runs loops everywhere; one-sample inference unrolls the first four layers
# (4 x 256 multiply-adds fill the budget) and loops for the rest.
expect_label() { # file, text
    grep -qF "$2" "$1" || { echo "check-size: $1 lacks: $2"; failed=1; }
}
expect_label "$dir/deep16/SUMMARY.md" "| 4 | 16 -> 16 | relu | 272 | 16384 | loops / unrolled |"
expect_label "$dir/deep16/SUMMARY.md" "| 5 | 16 -> 16 | relu | 272 | 16384 | loops / loops |"
expect_label "$dir/deep16/deep16.h" "layer 4: dense 16 -> 16, relu, 272 parameters, code loops / unrolled"
expect_label "$dir/deep16/deep16.h" "layer 30: dense 16 -> 1, sigmoid, 17 parameters, code loops / loops"
expect_label "$dir/deep16_b1/SUMMARY.md" "| 4 | 16 -> 16 | relu | 272 | 512 | unrolled / unrolled |"
expect_label "$dir/deep16_b1/SUMMARY.md" "| 5 | 16 -> 16 | relu | 272 | 512 | loops / loops |"

[ "$failed" -eq 0 ] || exit 1
echo "check-size: 30-layer nets unroll at most $budget multiply-adds per function ($(sort -k2 -n "$dir/deep16.macs" | tail -1 | cut -d' ' -f2) at most in deep16), labels name both code paths"
