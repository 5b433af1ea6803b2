#!/bin/sh
# tests/quickstart/check.sh "MAKE": what `make check-quickstart` runs, from the project root.
# docs/quickstart.md is turned into one shell script: each ```sh block verbatim, each block whose
# info string names a file (```c main.c) as a here-document writing that file in the script's
# current folder at that point. The script runs with HOME set to a scratch folder (so `make
# install PREFIX=$HOME/.local` and the projects stay in it) and `make` meaning MAKE. Then:
#   part 1: the float and the int8 CMake builds print one prediction per sample row, the same
#           classes, and at least MIN_RIGHT of the 20 rows right;
#   part 2: the generated C prints exactly the numbers PyTorch printed.
# Without torch and onnx for /usr/bin/python3, part 2 is left out and the test says so.
set -eu

make_cmd=$1
doc=docs/quickstart.md
MIN_RIGHT=18
work=$(mktemp -d "${TMPDIR:-/tmp}/gradc-quickstart.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
fail() {
    echo "check-quickstart: FAILED: $*" >&2
    exit 1
}

command -v cmake > /dev/null || fail "cmake is missing (make deps-test installs it: Debian cmake)"
with_torch=1
/usr/bin/python3 -c 'import torch, onnx' 2> /dev/null || with_torch=0

# The doc as a script; `until` (a heading) stops it, to leave part 2 out.
to_script() { # until
    awk -v until="$1" '
        until != "" && index($0, until) == 1 { exit }
        /^```/ && !inside {
            inside = 1
            kind = substr($0, 4)
            split(kind, words, " ")
            if (words[1] == "sh") { mode = "sh" }
            else if (words[2] != "") { mode = "file"; print "cat > " words[2] " <<'\''QUICKSTART_EOF'\''" }
            else { mode = "skip" }
            next
        }
        /^```/ && inside {
            inside = 0
            if (mode == "file") print "QUICKSTART_EOF"
            next
        }
        inside && mode != "skip" { print }
    ' "$doc"
}
if [ $with_torch -eq 1 ]; then
    to_script "" > "$work/quickstart.sh"
else
    to_script "## 2." > "$work/quickstart.sh"
fi
grep -q "gradc_add_model" "$work/quickstart.sh" || fail "$doc: no CMakeLists.txt block was extracted"

# `make` in the doc is this build's make; the training driver builds outside the checkout's
# tests/build (TRAIN_BUILD), so a concurrent make check-train is not disturbed.
mkdir -p "$work/bin" "$work/home"
# shellcheck disable=SC2086 # make_cmd is a command and its arguments
set -- $make_cmd
real_make=$(command -v "$1") || fail "cannot find $1"
shift
printf '#!/bin/sh\nexec %s %s "$@"\n' "$real_make" "$*" > "$work/bin/make"
chmod +x "$work/bin/make"
status=0
HOME="$work/home" PATH="$work/bin:$PATH" TRAIN_BUILD="$work/train-build" \
    sh -eu "$work/quickstart.sh" > "$work/log.txt" 2>&1 || status=$?
[ $status -eq 0 ] || { tail -30 "$work/log.txt" >&2; fail "$doc: the script stopped with status $status"; }

# Part 1: make train stopped early (PATIENCE) and kept its best epoch, whose weights were saved
# (check-train checks the kept weights are that epoch's); then 20 float predictions, 20 int8 ones.
kept=$(sed -n 's/^result: epochs=\([0-9]*\) kept_epoch=\([0-9]*\) .*/\1 \2/p' "$work/log.txt")
[ -n "$kept" ] && [ "${kept% *}" -lt 300 ] && [ "${kept#* }" -lt "${kept% *}" ] \
    || { cat "$work/log.txt" >&2; fail "part 1: make train did not stop early at a kept best epoch (epochs, kept: '$kept')"; }
grep '^label [0-9] -> [0-9]$' "$work/log.txt" > "$work/predictions.txt" || true
[ "$(wc -l < "$work/predictions.txt")" -eq 40 ] \
    || { cat "$work/log.txt" >&2; fail "part 1: expected 20 float and 20 int8 prediction lines"; }
head -n 20 "$work/predictions.txt" > "$work/float.txt"
tail -n 20 "$work/predictions.txt" > "$work/int8.txt"
cmp -s "$work/float.txt" "$work/int8.txt" || { diff "$work/float.txt" "$work/int8.txt" >&2 || true; \
    fail "part 1: the int8 build predicts other classes than the float build"; }
right=$(awk '{ r += $2 == $4 } END { print r }' "$work/float.txt")
[ "$right" -ge $MIN_RIGHT ] || fail "part 1: $right of 20 rows right, expected at least $MIN_RIGHT"
echo "check-quickstart: part 1 (make install, make train stopping early after epoch ${kept% *} with epoch ${kept#* }'s weights, CMake float and int8 builds on raw rows): $right of 20 right, int8 = float"

if [ $with_torch -eq 0 ]; then
    echo "check-quickstart: part 2 SKIPPED: /usr/bin/python3 cannot import torch and onnx"
    exit 0
fi
want=$(sed -n 's/^torch: //p' "$work/log.txt")
got=$(sed -n 's/^tiny_infer: //p' "$work/log.txt")
[ -n "$want" ] && [ "$want" = "$got" ] || { cat "$work/log.txt" >&2; fail "part 2: gradc printed '$got', PyTorch '$want'"; }
echo "check-quickstart: part 2 (nn.Sequential -> ONNX -> make import -> C): the C prints PyTorch's outputs ($got)"
