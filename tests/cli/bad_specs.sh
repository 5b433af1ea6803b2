#!/bin/sh
# Runs every tests/bad_specs/NAME.lua through the generator and checks what a bad spec must do
# (docs/spec.md, "Errors"):
#   status  non-zero exit, and not a signal (>= 128 also covers the hard stop)
#   stderr  exactly one line, equal to a line of NAME.expected (more than one line there: alternatives)
#   stdout  nothing (no summary for a spec that failed)
#   time    under LIMIT_SECONDS of CPU time, and of wall time times the load per CPU (tests/cli/lib.sh;
#           a case over it is run again alone, and that run counts)
#   memory  peak RSS under 1 GiB (or, without /usr/bin/time, an address-space cap of 1 GiB)
#   out     nothing new under OUT: even-numbered cases get an OUT that already holds a previous good
#           OUT/victim/ (most bad specs are named "victim") and a stray file, which must stay
#           byte-identical; odd-numbered cases get an OUT that does not exist yet, which may at most
#           be created empty
#   cwd     nothing written next to the spec (each case runs in its own folder, with a relative path)
# plus one case, header_names: a model named after any header the generated code, the runtime or
# the training helpers #include <...>, or after a training helper's header, is refused.
#
#   tests/cli/bad_specs.sh [GRADC] [CASE...]      JOBS=n runs n cases at a time (default: CPUs)
set -eu
SUITE=bad_specs
. "$(dirname "$0")/lib.sh"

BAD_DIR=$ROOT/tests/bad_specs

# One case, in a child process (see the xargs below): prints its line.
if [ "${1:-}" = --one ]; then
    GRADC=$2 WORK=$3 index=$4 name=$5
    dir=$WORK/case/$name
    mkdir -p "$dir"
    cp "$BAD_DIR/$name.lua" "$dir/"
    if [ $((index % 2)) -eq 0 ]; then
        out=$dir/out
        cp -R "$WORK/previous" "$out"
        out_kind=previous
    else
        out=$dir/out/new/sub
        out_kind=fresh
    fi
    run_measured "$dir" "$WORK/result/$name.stdout" "$WORK/result/$name.stderr" \
        "$GRADC" --out "$out" "$name.lua"
    check_run "$name"

    stderr_file=$WORK/result/$name.stderr
    matched=no
    while IFS= read -r line; do
        if printf '%s\n' "$line" | cmp -s - "$stderr_file"; then
            matched=yes
        fi
    done < "$BAD_DIR/$name.expected"
    if [ "$matched" = no ]; then
        problem "$name" stderr "expected '$(head -n 1 "$BAD_DIR/$name.expected")'$([ "$(wc -l < "$BAD_DIR/$name.expected")" -gt 1 ] && echo ' (or an alternative)'), got '$(shown "$stderr_file")' ($(wc -l < "$stderr_file") lines)"
    fi
    if [ -s "$WORK/result/$name.stdout" ]; then
        problem "$name" stdout "expected nothing, got '$(shown "$WORK/result/$name.stdout")'"
    fi

    if [ "$out_kind" = previous ]; then
        if ! diff -r "$WORK/previous" "$out" > "$WORK/result/$name.diff" 2>&1; then
            problem "$name" out "OUT changed: $(head -n 3 "$WORK/result/$name.diff" | tr '\n' '|')"
        fi
    elif [ -e "$dir/out" ]; then
        stray=$(find "$dir/out" -mindepth 1 ! -type d | head -n 3 | tr '\n' ' ')
        if [ -n "$stray" ]; then
            problem "$name" out "new files under a fresh OUT: $stray"
        fi
    fi
    extra=$(cd "$dir" && ls -A | grep -v -x -e "$name.lua" -e out | tr '\n' ' ' || true)
    if [ -n "$extra" ]; then
        problem "$name" cwd "new entries next to the spec: $extra"
    fi
    result "$name" "$(run_detail)"
    exit 0
fi

resolve_gradc "${1:-}"
[ $# -gt 0 ] && shift
WORK=$(mktemp -d "${TMPDIR:-/tmp}/gradc-bad-specs.XXXXXX")
trap 'rm -rf "$WORK"' EXIT INT TERM
mkdir -p "$WORK/result"

# The previous good output that half of the cases must leave alone.
mkdir -p "$WORK/previous"
if ! "$GRADC" --out "$WORK/previous" "$ROOT/tests/cli/good/victim.lua" > "$WORK/victim.log" 2>&1; then
    echo "bad_specs: cannot generate the good victim spec: $(cat "$WORK/victim.log")"
    echo "0 passed, 1 failed"
    exit 1
fi
echo "stray file from an earlier run" > "$WORK/previous/keep.txt"

if [ $# -gt 0 ]; then
    cases=$*
else
    cases=$(cd "$BAD_DIR" && ls ./*.lua | sed -e 's|^\./||' -e 's/\.lua$//' | LC_ALL=C sort)
fi
for name in $cases; do
    if [ ! -f "$BAD_DIR/$name.lua" ] || [ ! -f "$BAD_DIR/$name.expected" ]; then
        echo "bad_specs: $name needs both tests/bad_specs/$name.lua and $name.expected" >&2
        exit 2
    fi
done
count=$(echo $cases | wc -w)
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}
echo "bad_specs: $count cases with $GRADC, $jobs at a time"
describe_measurement

index=0
for name in $cases; do
    echo "$index $name"
    index=$((index + 1))
done | xargs -P "$jobs" -n 2 sh -c 'sh "$0" --one "$1" "$2" "$3" "$4" > "$2/result/$4.line" 2>&1' \
    "$CLI_DIR/bad_specs.sh" "$GRADC" "$WORK"

# A case over the time limit may only have shared the CPUs with others (the load of this machine,
# or the parallel cases): it runs once more, alone, and that run decides.
for name in $cases; do
    if grep -q '^FAIL .*time: took' "$WORK/result/$name.line"; then
        first=$(sed -n 's/.*time: took \([0-9.]*\) s.*/\1/p' "$WORK/result/$name.line")
        rm -rf "$WORK/case/$name"
        index=$(echo $cases | tr ' ' '\n' | grep -n -x "$name" | cut -d: -f1)
        sh "$CLI_DIR/bad_specs.sh" --one "$GRADC" "$WORK" "$((index - 1))" "$name" \
            > "$WORK/result/$name.line" 2>&1
        sed -i "s/\$/ [re-run alone: the parallel run took $first s]/" "$WORK/result/$name.line"
    fi
    cat "$WORK/result/$name.line"
done > "$WORK/lines"

# One more case: a model must not be named after a header that the generated code, the runtime or
# the training helpers include, nor after a training helper's own header (gen/spec.lua lists the
# names it refuses: this keeps the list in step with the #includes).
header_names() {
    headers=$( {
        grep -h '^[[:space:]]*#[[:space:]]*include[[:space:]]*<' "$ROOT"/templates/*.in "$ROOT"/templates/train/*.c \
            "$ROOT"/runtime/gradc_rt.h "$ROOT"/runtime/hosted/*.[ch] | sed 's/.*<\(.*\)\.h>.*/\1/'
        ls "$ROOT"/runtime/hosted/*.h | sed -e 's|.*/||' -e 's|\.h$||'
    } | grep -x '[a-z_][a-z0-9_]*' | LC_ALL=C sort -u)
    for stem in $headers; do
        printf 'return { name = "%s", input = 2, batch = 4, loss = "bce", layers = { { units = 1, activation = "sigmoid" } } }\n' \
            "$stem" > "$WORK/header.lua"
        if "$GRADC" --check "$WORK/header.lua" > /dev/null 2> "$WORK/header.err" \
            || ! grep -q "would write $stem.h, which shadows" "$WORK/header.err"; then
            problem header_names "$stem" "a model named $stem is not refused as shadowing <$stem.h>: $(shown "$WORK/header.err")"
        fi
    done
    result header_names "($(echo $headers | wc -w) headers: $(echo $headers))"
}
header_names >> "$WORK/lines"
count=$((count + 1))
cat "$WORK/lines"
passed=$(grep -c '^ok ' "$WORK/lines" || true)
known=$(grep -c '^ok .*\[KNOWN BUG' "$WORK/lines" || true)
failed=$((count - passed))
finish
