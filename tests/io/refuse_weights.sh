#!/bin/sh
# A weights file that does not match the spec is a generation error: non-zero exit, one clear
# message naming the file, and nothing written (a previous output folder left exactly as it was).
#   refuse_weights.sh GRADC DIR   (DIR holds xor.bin and softmax.bin from check-weights)
set -eu
gradc=$1
dir=$2
out=$dir/refuse-out
passed=0
failed=0

rm -rf "$out"
"$gradc" --out "$out" specs/xor.lua > /dev/null
cp -r "$out/xor" "$dir/xor-before"

size=$(wc -c < "$dir/xor.bin")
head -c $((size - 1)) "$dir/xor.bin" > "$dir/truncated.bin"
cp "$dir/xor.bin" "$dir/corrupt.bin"
printf '\377' | dd of="$dir/corrupt.bin" bs=1 seek=40 conv=notrunc 2> /dev/null
cp "$dir/xor.bin" "$dir/trailing.bin"
printf 'x' >> "$dir/trailing.bin"
printf 'not weights at all' > "$dir/garbage.bin"
head -c 20 "$dir/xor.bin" > "$dir/short_header.bin"

check() {
    file=$1
    expected=$2
    if "$gradc" --out "$out" --weights "$dir/$file" specs/xor.lua > /dev/null 2> "$dir/stderr"; then
        echo "refuse-weights: $file was accepted"; failed=$((failed + 1)); return
    fi
    if ! grep -q "^$dir/$file: $expected" "$dir/stderr"; then
        echo "refuse-weights: $file: expected '$dir/$file: $expected', got '$(cat "$dir/stderr")'"
        failed=$((failed + 1)); return
    fi
    if ! diff -r "$dir/xor-before" "$out/xor" > /dev/null || [ "$(ls -A "$out")" != "xor" ]; then
        echo "refuse-weights: $file: the output folder changed"; failed=$((failed + 1)); return
    fi
    passed=$((passed + 1))
}

check softmax.bin "weights are double but spec xor.lua has dtype float"
# reg: 8*64+64 + 64*64+64 + 64*1+1 = 4801 parameters; xor: 2*4+4 + 4*1+1 = 17
check reg.bin "weights hold 4801 parameters but spec xor.lua has 17"
check truncated.bin "truncated"
check corrupt.bin "checksum mismatch"
check trailing.bin "trailing bytes: 109 bytes, expected 108"
# the size of a file far past the expected one is its own (only 109 bytes of it are read), and a
# count past 2^63 is the header's unsigned one
cp "$dir/xor.bin" "$dir/huge.bin"
truncate -s 2147483649 "$dir/huge.bin"
check huge.bin "trailing bytes: 2147483649 bytes, expected 108"
rm -f "$dir/huge.bin"
cp "$dir/xor.bin" "$dir/count_max.bin"
printf '\377\377\377\377\377\377\377\377' | dd of="$dir/count_max.bin" bs=1 seek=16 conv=notrunc 2> /dev/null
check count_max.bin "weights hold 18446744073709551615 parameters but spec xor.lua has 17"
check garbage.bin "not a gradc weights file"
check short_header.bin "truncated: 20 bytes, shorter than the 32-byte header"
check missing.bin "cannot open weights file"

# The input standardization (standardize = true) on one side only: xor.bin for a standardized xor,
# and a file that says it holds xor's 17 parameters and its 4 statistics for the plain xor (the
# count is read before anything else of the body).
sed 's/^  name = "xor",/  name = "xor", standardize = true,/' specs/xor.lua > "$dir/xor_std.lua"
if "$gradc" --out "$out" --weights "$dir/xor.bin" "$dir/xor_std.lua" > /dev/null 2> "$dir/stderr"; then
    echo "refuse-weights: xor.bin was accepted for xor_std.lua"; failed=$((failed + 1))
elif [ "$(cat "$dir/stderr")" != "$dir/xor.bin: weights hold 17 parameters, without the input standardization spec xor_std.lua asks for (standardize = true: input_mean and input_inv_scale, 4 more); train them with make train on this spec" ]; then
    echo "refuse-weights: xor.bin for xor_std.lua: got '$(cat "$dir/stderr")'"; failed=$((failed + 1))
else
    passed=$((passed + 1))
fi
cp "$dir/xor.bin" "$dir/with_statistics.bin"
printf '\025' | dd of="$dir/with_statistics.bin" bs=1 seek=16 conv=notrunc 2> /dev/null
check with_statistics.bin "weights hold 21 parameters, 4 more than spec xor.lua: input statistics from a spec with standardize = true (add it to this spec)"

# A weights file inside the folder generation would replace (out/<name>/<name>.bin after make
# train) is refused, and survives.
cp "$dir/xor.bin" "$out/xor/inside.bin"
if "$gradc" --out "$out" --weights "$out/xor/inside.bin" specs/xor.lua > /dev/null 2> "$dir/stderr"; then
    echo "refuse-weights: a weights file inside OUT/xor/ was accepted"; failed=$((failed + 1))
elif ! grep -q "^$out/xor/inside.bin: the weights file is inside $out/xor/" "$dir/stderr" || [ ! -f "$out/xor/inside.bin" ]; then
    echo "refuse-weights: inside.bin: got '$(cat "$dir/stderr")'"; failed=$((failed + 1))
else
    passed=$((passed + 1))
fi

echo "refuse-weights: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
