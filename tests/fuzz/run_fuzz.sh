#!/bin/bash
# Bounded, seeded spec fuzzing: tests/fuzz/fuzz_specs.lua writes FUZZ_COUNT cases, each is run
# through the generator (--check, or every 8th into a fresh OUT), and every run must:
#   status   exit 0 or 1 (no signal, no other status)
#   stderr   on failure exactly one non-empty line, starting with the spec's file name ("FILE:");
#            on success nothing
#   stdout   nothing on failure
#   time     finish under LIMIT_SECONDS of wall time (a case over it is run again alone; that counts)
#   out      on failure nothing under the (fresh) OUT but empty folders; on success one folder
#   sanitizer  (--sanitized) no AddressSanitizer, LeakSanitizer or UBSan report
# Failing cases are kept in tests/build/fuzz/failures/LABEL/ with their stderr.
#
#   tests/fuzz/run_fuzz.sh [--sanitized] GRADC
#   env: FUZZ_COUNT (3000) cases generated, FUZZ_SEED (1), FUZZ_STRIDE (1): run every STRIDE-th
#        case, FUZZ_LABEL (plain), JOBS (CPUs)
set -eu
export LC_ALL=C
FUZZ_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$FUZZ_DIR/../.." && pwd)
LIMIT_SECONDS=${LIMIT_SECONDS:-5}
KILL_SECONDS=${KILL_SECONDS:-6}

# ---------------------------------------------------------------- one batch (a child process)
if [ "${1:-}" = --batch ]; then
    GRADC=$2 WORK=$3 SANITIZED=$4
    shift 4
    results=${FUZZ_RESULTS:-$WORK/results/$$.txt}
    for pair in "$@"; do
        id=${pair%:*} mode=${pair#*:}
        spec=case_$id.lua
        out=$WORK/out/$id
        if [ "$mode" = write ]; then args=(--out "$out"); else args=(--check); fi
        err=$WORK/tmp/$id.err
        t0=${EPOCHREALTIME/./}
        set +e
        (cd "$WORK/cases" && exec timeout -s KILL "$KILL_SECONDS" "$GRADC" "${args[@]}" "$spec") \
            > "$WORK/tmp/$id.out" 2> "$err"
        rc=$?
        set -e
        t1=${EPOCHREALTIME/./}
        ms=$(( (t1 - t0) / 1000 ))
        why=""
        if [ "$rc" -ge 128 ]; then
            why="$why; status: exit $rc (a signal, or stopped after ${KILL_SECONDS} s)"
        elif [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
            why="$why; status: exit $rc"
        fi
        lines=$(wc -l < "$err")
        if [ "$rc" -eq 1 ]; then
            first=$(head -n 1 "$err")
            if [ "$lines" -ne 1 ] || [ -z "$first" ]; then
                why="$why; stderr: $lines lines, expected one"
            elif [ "${first#"$spec":}" = "$first" ]; then
                why="$why; stderr: does not start with '$spec:'"
            fi
            [ -s "$WORK/tmp/$id.out" ] && why="$why; stdout: not empty on failure"
            if [ -e "$out" ] && [ -n "$(find "$out" -mindepth 1 ! -type d | head -n 1)" ]; then
                why="$why; out: files left in OUT after a failure"
            fi
        elif [ "$rc" -eq 0 ]; then
            [ -s "$err" ] && why="$why; stderr: not empty on success"
            if [ "$mode" = write ] && [ "$(find "$out" -mindepth 1 -maxdepth 1 -type d 2>/dev/null | wc -l)" -ne 1 ]; then
                why="$why; out: no single output folder after a success"
            fi
        fi
        if [ "$SANITIZED" = yes ] && grep -q -E 'Sanitizer|runtime error:' "$err"; then
            why="$why; sanitizer: $(grep -m 1 -E 'Sanitizer|runtime error:' "$err")"
        fi
        if [ "$ms" -ge $((LIMIT_SECONDS * 1000)) ]; then
            why="$why; time: took $ms ms"
        fi
        if [ -n "$why" ]; then
            printf 'FAIL %s %s %s\n' "$id" "$mode" "${why#; }" >> "$results"
        else
            printf 'PASS %s %s %s\n' "$id" "$mode" "$rc" >> "$results"
        fi
        rm -rf "$out" "$WORK/tmp/$id.out"
        [ -n "$why" ] || rm -f "$err"
    done
    exit 0
fi

# ---------------------------------------------------------------- the run
SANITIZED=no
if [ "${1:-}" = --sanitized ]; then
    SANITIZED=yes
    shift
    # Leaks and UB are errors; a distinct exit status tells a sanitizer report from a bad spec's 1.
    export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:exitcode=86:abort_on_error=0}
    export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1:exitcode=86}
fi
GRADC=${1:?usage: run_fuzz.sh [--sanitized] GRADC}
case $GRADC in /*) ;; *) GRADC=$(pwd)/$GRADC ;; esac
COUNT=${FUZZ_COUNT:-3000}
SEED=${FUZZ_SEED:-1}
STRIDE=${FUZZ_STRIDE:-1}
LABEL=${FUZZ_LABEL:-plain}
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
LUA=${LUA:-lua5.4}
FAILURES=$ROOT/tests/build/fuzz/failures/$LABEL

WORK=$(mktemp -d "${TMPDIR:-/tmp}/gradc-fuzz.XXXXXX")
trap 'rm -rf "$WORK"' EXIT INT TERM
mkdir -p "$WORK/cases" "$WORK/results" "$WORK/tmp" "$WORK/out"
start=${EPOCHREALTIME/./}

seeds=("$ROOT"/specs/*.lua "$ROOT/tests/cli/good/victim.lua" "$ROOT/tests/cli/good/computed_layers.lua"
    "$ROOT/tests/cli/good/boundaries.lua" "$ROOT/tests/cli/good/explicit_defaults.lua")
"$LUA" "$FUZZ_DIR/fuzz_specs.lua" "$SEED" "$COUNT" "$WORK/cases" "${seeds[@]}"

awk -v stride="$STRIDE" '($1 + 0) % stride == 0 { print $1 ":" $2 }' "$WORK/cases/manifest" > "$WORK/selected"
selected=$(wc -l < "$WORK/selected")
echo "fuzz[$LABEL]: $selected of $COUNT cases (seed $SEED, stride $STRIDE) through $GRADC, $JOBS at a time"
# Interleaved batches, so the costly cases spread over the jobs.
xargs -P "$JOBS" -n 50 bash "$FUZZ_DIR/run_fuzz.sh" --batch "$GRADC" "$WORK" "$SANITIZED" < "$WORK/selected"

cat "$WORK"/results/*.txt | sort > "$WORK/all"
# Time failures again, alone: the machine may have been busy.
grep '^FAIL .*time: took' "$WORK/all" | while read -r _ id mode _; do
    FUZZ_RESULTS=$WORK/rerun.txt bash "$FUZZ_DIR/run_fuzz.sh" --batch "$GRADC" "$WORK" "$SANITIZED" "$id:$mode"
done
if [ -f "$WORK/rerun.txt" ]; then
    sed 's/$/ [re-run alone]/' "$WORK/rerun.txt" > "$WORK/reruns"
    awk 'NR == FNR { again[$2] = $0; next } ($2 in again) { print again[$2]; next } { print }' \
        "$WORK/reruns" "$WORK/all" > "$WORK/all2"
    mv "$WORK/all2" "$WORK/all"
fi

passed=$(grep -c '^PASS' "$WORK/all" || true)
failed=$(grep -c '^FAIL' "$WORK/all" || true)
accepted=$(awk '$1 == "PASS" && $4 == 0' "$WORK/all" | wc -l)
written=$(awk '$1 == "PASS" && $4 == 0 && $3 == "write"' "$WORK/all" | wc -l)
kinds=$(awk '{ split($3, k, ":"); n[k[1]]++ } END { for (x in n) printf "%s %d, ", x, n[x] }' "$WORK/cases/manifest")
end=${EPOCHREALTIME/./}
echo "fuzz[$LABEL]: generated ${kinds%, }; $accepted accepted ($written written to OUT), $((passed - accepted)) rejected cleanly, in $(( (end - start) / 1000000 )) s"
if [ "$failed" -gt 0 ]; then
    rm -rf "$FAILURES"
    mkdir -p "$FAILURES"
    grep '^FAIL' "$WORK/all" | while read -r _ id mode why; do
        cp "$WORK/cases/case_$id.lua" "$FAILURES/"
        [ -f "$WORK/tmp/$id.err" ] && cp "$WORK/tmp/$id.err" "$FAILURES/case_$id.stderr"
        kind=$(awk -v id="$id" '$1 == id { print $3 }' "$WORK/cases/manifest")
        echo "FAIL case_$id ($mode, $kind): $why; stderr: $(head -c 200 "$WORK/tmp/$id.err" 2>/dev/null | tr '\n' '|')"
    done
    echo "fuzz[$LABEL]: failing cases kept in ${FAILURES#"$ROOT"/}/ (reproduce: cd there && $GRADC --check case_N.lua)"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
