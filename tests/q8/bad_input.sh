#!/bin/sh
# Bad input to an int8 build (gradc --quant int8 --calib FILE): each case fails with one line on
# stderr naming the file or option and what was expected, a non-zero exit, and nothing written (an
# earlier OUT/q8_dense/ left exactly as it was); and the cases that are fine (a constant feature,
# a header line, blank lines) are accepted.
#   bad_input.sh GRADC DIR   (DIR holds q8_dense.bin, q8_tiny.bin, q8_tiny_tiny.bin,
#                             q8_tiny_zero.bin, q8_tiny_two.bin, q8_tiny_one.bin, softmax.bin,
#                             digits.bin and specs/digits.lua from tests/q8/check.sh)
set -eu
gradc=$1
dir=$2
out=$dir/bad-out
spec=tests/q8/specs/q8_dense.lua
passed=0
failed=0

rm -rf "$out" "$dir/before"
"$gradc" --out "$out" --weights "$dir/q8_dense.bin" --quant int8 --calib "$dir/q8_dense_calib.csv" "$spec" > /dev/null
cp -r "$out/q8_dense" "$dir/before"

# refuse EXPECTED ARGS...: gradc ARGS fails, its stderr is one line starting with EXPECTED, and
# OUT/q8_dense/ is unchanged.
refuse() {
    expected=$1
    shift
    if "$gradc" --out "$out" "$@" > /dev/null 2> "$dir/stderr"; then
        echo "bad-input: accepted: $*"; failed=$((failed + 1)); return
    fi
    if [ "$(wc -l < "$dir/stderr")" -ne 1 ] || ! grep -qF -- "$expected" "$dir/stderr" \
        || [ "$(head -c ${#expected} "$dir/stderr")" != "$expected" ]; then
        echo "bad-input: $*: expected '$expected...', got '$(cat "$dir/stderr")'"; failed=$((failed + 1)); return
    fi
    if ! diff -r "$dir/before" "$out/q8_dense" > /dev/null || [ "$(ls -A "$out")" != "q8_dense" ]; then
        echo "bad-input: $*: the output folder changed"; failed=$((failed + 1)); return
    fi
    passed=$((passed + 1))
}

# accept ARGS...: gradc ARGS succeeds (into another folder).
accept() {
    if ! "$gradc" --out "$dir/good-out" "$@" > /dev/null 2> "$dir/stderr"; then
        echo "bad-input: refused: $*: $(cat "$dir/stderr")"; failed=$((failed + 1)); return
    fi
    passed=$((passed + 1))
}

w="--weights $dir/q8_dense.bin"
c=$dir/calib
mkdir -p "$c"
printf '1,2,3,4\n1,2,3,4\n' > "$c/short.csv"
printf '1,2,3,4,5\n1,2,3,4,5\n1,2,3,4,5,6\n' > "$c/ragged.csv"
printf '1,2,3,4,5\n1,2,nan,4,5\n' > "$c/nan.csv"
printf '1,2,3,4,5\n-inf,2,3,4,5\n' > "$c/inf.csv"
printf '1,2,3,4,5\n1,2,3,4,1e999\n' > "$c/overflow.csv"
printf '1,2,3,4,5\n1,abc,3,4,5\n' > "$c/text.csv"
printf '1,2,3,4,5\n0x10,2,3,4,5\n' > "$c/hex.csv"
printf '1,2,3,4,5\n' > "$c/one_row.csv"
printf 'a,b,c,d,e\n1,2,3,4,5\n' > "$c/header_one_row.csv"
: > "$c/empty.csv"
printf '\n  \n' > "$c/blank.csv"
printf '1.7e308,1.7e308,1.7e308,1.7e308,1.7e308\n0,0,0,0,0\n' > "$c/huge.csv"
printf '1,2,3,4,5\n1,2,\0003,4,5\n' > "$c/nul.csv"
# scikit-learn's header n_samples,n_features,names...: its counts must match the file
printf '3,5,neg,pos\n1,2,3,4,5,0\n1,2,3,4,5,1\n' > "$c/sklearn_samples.csv"
printf '2,4,neg,pos\n1,2,3,4,5,0\n1,2,3,4,5,1\n' > "$c/sklearn_features.csv"
# empty fields are refused on every line, the first too, before it is taken for a header (where
# "2,5,,1,1" would pass for scikit-learn's and lose a row), as make train's reader does
printf '2,5,,1,1\n1,2,3,4,5\n0,0,0,0,1\n' > "$c/empty_first.csv"
printf '1,2,3,4,5,\n0,0,0,0,1,\n' > "$c/trailing_comma.csv"
printf '1,2,3,4,5\n1, ,3,4,5\n' > "$c/blank_field.csv"
# a NaN on the first line is a value (strtod reads it), not a header's name
printf '1,2,nan,4,5\n0,0,0,0,1\n' > "$c/nan_first.csv"

refuse "$c/short.csv:1: 4 columns, expected at least 5" $w --quant int8 --calib "$c/short.csv" "$spec"
refuse "$c/ragged.csv:3: 6 columns, but the first row has 5" $w --quant int8 --calib "$c/ragged.csv" "$spec"
refuse "$c/nan.csv:2: column 3 is NaN" $w --quant int8 --calib "$c/nan.csv" "$spec"
refuse "$c/inf.csv:2: column 1 is infinite" $w --quant int8 --calib "$c/inf.csv" "$spec"
refuse "$c/overflow.csv:2: column 5: 1e999 overflows a double" $w --quant int8 --calib "$c/overflow.csv" "$spec"
refuse "$c/text.csv:2: column 2: 'abc' is not a number" $w --quant int8 --calib "$c/text.csv" "$spec"
refuse "$c/hex.csv:2: column 1: '0x10' is not a number" $w --quant int8 --calib "$c/hex.csv" "$spec"
refuse "$c/nul.csv:2:5: NUL byte (is this a text file?)" $w --quant int8 --calib "$c/nul.csv" "$spec"
refuse "$c/sklearn_samples.csv:1: the header says 3 samples, but the file has 2 data rows" $w --quant int8 \
    --calib "$c/sklearn_samples.csv" "$spec"
refuse "$c/sklearn_features.csv:1: the header says 4 features, but rows have 6 fields (expected 4, or 5 with a label)" \
    $w --quant int8 --calib "$c/sklearn_features.csv" "$spec"
refuse "$c/empty_first.csv:1:5: empty field" $w --quant int8 --calib "$c/empty_first.csv" "$spec"
refuse "$c/trailing_comma.csv:1:11: empty field" $w --quant int8 --calib "$c/trailing_comma.csv" "$spec"
refuse "$c/blank_field.csv:2:4: empty field" $w --quant int8 --calib "$c/blank_field.csv" "$spec"
refuse "$c/nan_first.csv:1: column 3 is NaN" $w --quant int8 --calib "$c/nan_first.csv" "$spec"
refuse "$c/one_row.csv: calibration file has 1 data row (expected at least 2" $w --quant int8 --calib "$c/one_row.csv" "$spec"
# a line past make train's bound, refused at once (it had been split into 35,000 fields first)
{ printf '1,2,3,4,5\n'; awk 'BEGIN { for (i = 0; i < 35000; ++i) printf "1,"; print "1" }'; } > "$c/long_line.csv"
refuse "$c/long_line.csv:2: line longer than 65536 characters" $w --quant int8 --calib "$c/long_line.csv" "$spec"
refuse "$c/header_one_row.csv: calibration file has 1 data row" $w --quant int8 --calib "$c/header_one_row.csv" "$spec"
refuse "$c/empty.csv: calibration file has no data rows" $w --quant int8 --calib "$c/empty.csv" "$spec"
refuse "$c/blank.csv: calibration file has no data rows" $w --quant int8 --calib "$c/blank.csv" "$spec"
refuse "$c/missing.csv: cannot open calibration file" $w --quant int8 --calib "$c/missing.csv" "$spec"
refuse "$c: calibration file is not a regular file" $w --quant int8 --calib "$c" "$spec"
refuse "q8_dense.lua: tensor X: calibrated range [0, 1.7e+308] is not finite in float" $w --quant int8 --calib "$c/huge.csv" "$spec"
refuse "gradc: --quant int8 needs --weights FILE" --quant int8 --calib "$dir/q8_dense_calib.csv" "$spec"
refuse "gradc: --quant int8 needs --calib FILE" $w --quant int8 "$spec"
refuse "gradc: --calib is for an int8 build" $w --calib "$dir/q8_dense_calib.csv" "$spec"
refuse "gradc: --quant: unknown scheme 'int4' (expected int8)" $w --quant int4 --calib "$dir/q8_dense_calib.csv" "$spec"
refuse "gradc: --quant needs a scheme" $w --quant
refuse "gradc: --calib needs a calibration file" $w --quant int8 --calib
refuse "specs/softmax.lua: dtype: int8 quantization needs dtype float (this spec has dtype double)" \
    --weights "$dir/softmax.bin" --quant int8 --calib "$dir/softmax_calib.csv" specs/softmax.lua
# weights of 1e-20 beside biases of 1: at max |W| / 127 the bias would quantize far outside int32;
# the weight scale widens instead (gen/q8/scheme.lua channel_scale), and the model generates
accept --weights "$dir/q8_tiny_tiny.bin" --quant int8 --calib "$dir/q8_tiny_calib.csv" tests/q8/specs/q8_tiny.lua
printf '3e11,-3e11\n-3e11,3e11\n' > "$c/tiny_huge.csv"
refuse "q8_tiny.lua: layer 1: channel 0: multiplier too large" --weights "$dir/q8_tiny_zero.bin" --quant int8 \
    --calib "$c/tiny_huge.csv" tests/q8/specs/q8_tiny.lua
# calibration runs in double, the model is float: an input past FLT_MAX (3.40282347e+38), finite
# in double, is not a value the float model can take
printf '1e300,0\n0,0\n' > "$c/tiny_past_float.csv"
refuse "q8_tiny.lua: tensor X: calibrated range [0, 1e+300] is not finite in float (the model's values are at most 3.40282347e+38 in magnitude)" \
    --weights "$dir/q8_tiny.bin" --quant int8 --calib "$c/tiny_past_float.csv" tests/q8/specs/q8_tiny.lua
# inputs inside float's range whose activation is not: 2 * 3e38 - 2 * -3e38 overflows in float
printf '3e38,-3e38\n0,0\n' > "$c/tiny_sum_past_float.csv"
refuse "q8_tiny.lua: tensor A1: calibrated range [0.0, 1.2e+39] is not finite in float" \
    --weights "$dir/q8_tiny_two.bin" --quant int8 --calib "$c/tiny_sum_past_float.csv" tests/q8/specs/q8_tiny.lua
# an accumulator that could leave int32 at max |W| / 127 (C leaves that overflow undefined):
# qb = 127 / s_in = 255 * 127 / 1.50807e-5 = 2147447399 fits, qb + 255 * (127 + 127) does not; the
# weight scale widens until the bias and the weights share 2^30, and the model generates
printf '1.50807e-5,0\n0,0\n' > "$c/tiny_reach.csv"
accept --weights "$dir/q8_tiny_one.bin" --quant int8 --calib "$c/tiny_reach.csv" tests/q8/specs/q8_tiny.lua
# Calibration reads at most 65,536 rows and 2^21 values (gen/q8/calibrate.lua): a larger file is
# refused at the first row past the bound (so a bad row at the end of a huge file is found no later
# than that); a file exactly at the row bound is fine.
awk 'BEGIN { for (i = 0; i < 65536; i++) printf "%d,2,3,4,5\n", i % 7 }' > "$c/rows_at_limit.csv"
accept $w --quant int8 --calib "$c/rows_at_limit.csv" "$spec"
{ cat "$c/rows_at_limit.csv"; echo "1,2,3,4,5"; } > "$c/rows_past_limit.csv"
refuse "$c/rows_past_limit.csv:65537: more than 65536 data rows: calibration reads at most 65536 rows and 2097152 values (rows x the network's 5 inputs)" \
    $w --quant int8 --calib "$c/rows_past_limit.csv" "$spec"
# digits' 64 inputs: 2^21 values are 32,768 rows
awk 'BEGIN { for (i = 0; i <= 32768; i++) { for (j = 0; j < 64; j++) printf "%d,", (i + j) % 17; print 0 } }' \
    > "$c/values_past_limit.csv"
refuse "$c/values_past_limit.csv:32769: more than 32768 data rows: calibration reads at most 65536 rows and 2097152 values (rows x the network's 64 inputs)" \
    --weights "$dir/digits.bin" --quant int8 --calib "$c/values_past_limit.csv" "$dir/specs/digits.lua"
# a calibration file inside the folder the run replaces would be deleted with it
cp "$dir/q8_dense_calib.csv" "$dir/before/inside.csv"
cp "$dir/q8_dense_calib.csv" "$out/q8_dense/inside.csv"
refuse "$out/q8_dense/inside.csv: the calibration file is inside $out/q8_dense/" $w --quant int8 \
    --calib "$out/q8_dense/inside.csv" "$spec"

# fine: a constant feature, a header, blank lines and CRLF, blanks as separators, label columns
printf '1,2,3,4,5\n1,2,3,4,6\n1,2,3,4,7\n' > "$c/constant.csv"
printf 'a,b,c,d,e,label\n\n1,2,3,4,5,0\r\n-1,2,3,4,5,1\r\n' > "$c/header.csv"
printf '1 2 3 4 5\n-1  2\t3 4 5\n' > "$c/blanks.csv"
printf '0,0,0,0,0\n0,0,0,0,0\n' > "$c/zeros.csv"
accept $w --quant int8 --calib "$c/constant.csv" "$spec"
accept $w --quant int8 --calib "$c/header.csv" "$spec"
accept $w --quant int8 --calib "$c/blanks.csv" "$spec"
accept $w --quant int8 --calib "$c/zeros.csv" "$spec"
# scikit-learn's header (make train's data/*.csv have it) is a header, not a sample: 2 rows
printf '2,5,neg,pos\n1,2,3,4,5,0\n-1,2,3,4,5,1\n' > "$c/sklearn.csv"
accept $w --quant int8 --calib "$c/sklearn.csv" "$spec"
if ! head -1 "$dir/good-out/q8_dense/q8_dense_q8_calib.txt" | grep -q ", 2 rows$"; then
    echo "bad-input: sklearn.csv: the calibration record does not say 2 rows: $(head -1 "$dir/good-out/q8_dense/q8_dense_q8_calib.txt")"
    failed=$((failed + 1))
fi

# A batchnorm's running variance below 0 (a valid file, which no training writes): refused in
# the int8 build and the float one alike
${CC:-cc} -O1 -I"$dir/gen/q8_dense" tests/q8/negative_variance.c "$dir/gen/q8_dense/q8_dense_io.c" \
    -o "$dir/negative_variance" -lm
"$dir/negative_variance" "$dir/q8_dense.bin" "$dir/negative_variance.bin"
bad_var="$dir/negative_variance.bin: parameter 15, var1[0] (a batchnorm's running variance), is -1.0: a variance is never negative"
refuse "$bad_var" --weights "$dir/negative_variance.bin" --quant int8 --calib "$dir/q8_dense_calib.csv" "$spec"
refuse "$bad_var" --weights "$dir/negative_variance.bin" "$spec"

# Calibration that will cost accuracy is accepted with a warning (one line each on stderr, which
# the user can act on); a sound one gets none.
# warn EXPECTED ARGS...: gradc ARGS succeeds, writing its folder, and stderr holds a line
# "gradc: warning: ..." with EXPECTED in it.
warn() {
    expected=$1
    shift
    rm -rf "$dir/warn-out"
    if ! "$gradc" --out "$dir/warn-out" "$@" > /dev/null 2> "$dir/stderr"; then
        echo "bad-input: refused: $*: $(cat "$dir/stderr")"; failed=$((failed + 1)); return
    fi
    if ! grep "^gradc: warning: " "$dir/stderr" | grep -qF -- "$expected" || [ -z "$(ls -A "$dir/warn-out")" ]; then
        echo "bad-input: $*: expected a warning with '$expected', got '$(cat "$dir/stderr")'"; failed=$((failed + 1)); return
    fi
    passed=$((passed + 1))
}
# quiet ARGS...: gradc ARGS succeeds with nothing on stderr.
quiet() {
    if ! "$gradc" --out "$dir/good-out" "$@" > /dev/null 2> "$dir/stderr" || [ -s "$dir/stderr" ]; then
        echo "bad-input: $*: expected no message, got '$(cat "$dir/stderr")'"; failed=$((failed + 1)); return
    fi
    passed=$((passed + 1))
}
# feature 0 spans 0..1000, the others 0..1: with one input scale (3.9) they keep under a step each
awk 'BEGIN { for (j = 0; j < 50; ++j) printf "%d,%.3f,%.3f,%.3f,%.3f\n", j * 20, (j % 7) / 7, (j % 5) / 5, (j % 3) / 3, (j % 11) / 11 }' \
    > "$c/narrow.csv"
warn "int8 input: 4 of 5 features span fewer than 4 steps of the input's one scale" $w --quant int8 --calib "$c/narrow.csv" "$spec"
# the same for a spec that standardizes its raw features: the advice is to standardize outside it
std_spec=tests/q8/ref_specs/q8_standardize.lua
"$gradc" --out "$dir/gen" "$std_spec" > /dev/null
${CC:-cc} -O1 -DNET=q8_standardize -DNET_UPPER=Q8_STANDARDIZE -I"$dir/gen/q8_standardize" -include q8_standardize.h \
    tests/q8/make_weights.c "$dir/gen/q8_standardize/q8_standardize.c" "$dir/gen/q8_standardize/q8_standardize_io.c" \
    -o "$dir/make_weights_q8_standardize" -lm
"$dir/make_weights_q8_standardize" "$dir/q8_standardize.bin"
awk 'BEGIN { for (j = 0; j < 40; ++j) { printf "%d", j * 100; for (i = 1; i < 32; ++i) printf ",%.3f", ((i * j) % 17) / 17; printf "\n" } }' \
    > "$c/std_narrow.csv"
warn "train without standardize" --weights "$dir/q8_standardize.bin" --quant int8 --calib "$c/std_narrow.csv" "$std_spec"
# 300 rows within [-1, 1] and 3 rows at 100: the input's upper end is the 3 rows'
awk 'BEGIN { for (j = 0; j < 303; ++j) { v = j < 300 ? ((j * 37) % 200 - 100) / 100 : 100; printf "%g,%g,%g,%g,%g\n", v, -v / 2, v / 3, ((j * 11) % 200 - 100) / 100, 0.5 } }' \
    > "$c/outliers.csv"
warn "tensor X: 3 of the 303 calibration rows set its range's upper end, 100" $w --quant int8 --calib "$c/outliers.csv" "$spec"
quiet $w --quant int8 --calib "$dir/q8_dense_calib.csv" "$spec"
# the summary's int8 line names the files, the rows and the header's const data
"$gradc" --out "$dir/good-out" $w --quant int8 --calib "$dir/q8_dense_calib.csv" "$spec" > "$dir/stdout"
q8_bytes=$(sed -n 's/^#define Q8_DENSE_Q8_WEIGHTS_BYTES *\([0-9]*\).*/\1/p' "$dir/good-out/q8_dense/q8_dense.h")
rows=$(grep -c . "$dir/q8_dense_calib.csv")
if grep -q "^  int8: q8_dense_q8.c (q8_dense_q8_infer) and q8_dense_qinfer.c, calibrated on $rows rows of q8_dense_calib.csv: $q8_bytes B of const data" "$dir/stdout"; then
    passed=$((passed + 1))
else
    echo "bad-input: no int8 summary line with $rows rows and $q8_bytes B: $(grep int8 "$dir/stdout")"; failed=$((failed + 1))
fi

echo "bad-input: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
