#!/bin/sh
# tests/q8/split_scaled.lua on small hand-made files in make train's data formats: a header line
# (sklearn's counts and names, or column names), blank lines, CRLF ends, blank-separated fields.
# The rows split.csv numbers are data rows (the driver's: header and blank lines not counted).
# The features are standardized with mean 1, 10 and scale 2, 5; the label column is copied.
set -eu
work=$(mktemp -d "${TMPDIR:-/tmp}/gradc-split-scaled.XXXXXX")
trap 'rm -rf "$work"' EXIT
here=$(dirname "$0")
printf 'gradc-scale 1\n# comment\nfeature 0 1 2\nfeature 1 10 5\n' > "$work/m.scale"
printf 'row,set\n0,train\n1,val\n2,train\n' > "$work/split.csv"
printf '1,2,0\n9,-1,2\n' > "$work/train.expected"
printf '0.5,-2,1\n' > "$work/val.expected"
printf '1,2,0\n' > "$work/calib_first.expected"
failures=0
# check NAME DATA [CALIB_ROWS]: split_scaled on the text DATA writes the expected train, val and
# calib rows (calib: every training row, or the first CALIB_ROWS = 1).
check() {
    _problem=""
    mkdir -p "$work/$1"
    printf "$2" > "$work/$1.csv"
    if lua5.4 "$here/split_scaled.lua" "$work/$1.csv" "$work/m.scale" "$work/split.csv" "$work/$1" \
        ${3:-} > "$work/$1.log" 2>&1; then
        for set in train val calib; do
            expected=$work/$set.expected
            if [ "$set" = calib ]; then
                expected=$work/train.expected
                [ -z "${3:-}" ] || expected=$work/calib_first.expected
            fi
            cmp -s "$expected" "$work/$1/$set.csv" || _problem="$_problem; $set.csv is \
'$(tr '\n' '|' < "$work/$1/$set.csv")', expected '$(tr '\n' '|' < "$expected")'"
        done
    else
        _problem="; $(head -n 1 "$work/$1.log")"
    fi
    if [ -n "$_problem" ]; then
        echo "FAIL split_scaled $1:${_problem#;}"
        failures=$((failures + 1))
    else
        echo "ok   split_scaled $1"
    fi
}
check plain '3,20,0\n2,0,1\n19,5,2\n'
check sklearn_header '3,2,a,b,c\n3,20,0\n2,0,1\n19,5,2\n'
check names_header 'x0,x1,label\n3,20,0\n\n2,0,1\n19,5,2\n'
check blank_separated_crlf 'x0 x1 label\r\n3 20 0\r\n2\t0  1\r\n\r\n19 5 2\r\n'
check calib_rows '3,20,0\n2,0,1\n19,5,2\n' 1
[ "$failures" -eq 0 ]
