#!/bin/sh
# make check-cli: every hostile-input suite in turn, each printing its own lines, then one table of
# their results and the total, "N passed, M failed" (exit non-zero if M > 0).
#
#   tests/cli/run_all.sh GRADC GRADC_ASAN
set -eu
CLI_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$CLI_DIR/../.." && pwd)
GRADC=${1:?usage: run_all.sh GRADC GRADC_ASAN}
GRADC_ASAN=${2:?usage: run_all.sh GRADC GRADC_ASAN}
LOGS=$ROOT/tests/build/cli
mkdir -p "$LOGS"
rm -f "$LOGS"/*.log

total_passed=0
total_failed=0
summary=""
start=$(date +%s)

# suite LABEL COMMAND...: run one suite, show its output, remember its last line.
suite() {
    label=$1
    shift
    suite_start=$(date +%s)
    echo
    echo "=== $label"
    set +e
    "$@" 2>&1 | tee "$LOGS/$label.log"
    set -e
    last=$(tail -n 1 "$LOGS/$label.log")
    seconds=$(( $(date +%s) - suite_start ))
    case $last in
        *" passed, "*" failed")
            p=${last%% passed*}
            f=${last#*passed, }
            f=${f%% failed}
            ;;
        *)
            p=0 f=1
            last="did not finish: $last"
            ;;
    esac
    total_passed=$((total_passed + p))
    total_failed=$((total_failed + f))
    summary="$summary$(printf '  %-12s %-40s %4d s' "$label" "$last" "$seconds")
"
}

suite bad_specs sh "$CLI_DIR/bad_specs.sh" "$GRADC"
suite good_specs sh "$CLI_DIR/good_specs.sh" "$GRADC"
suite cli sh "$CLI_DIR/cli_tests.sh" "$GRADC"
suite fuzz bash "$ROOT/tests/fuzz/run_fuzz.sh" "$GRADC"
suite fuzz_asan env FUZZ_STRIDE="${FUZZ_ASAN_STRIDE:-10}" FUZZ_LABEL=asan \
    bash "$ROOT/tests/fuzz/run_fuzz.sh" --sanitized "$GRADC_ASAN"

echo
echo "=== check-cli summary (logs in tests/build/cli/, $(( $(date +%s) - start )) s in all)"
printf '%s' "$summary"
echo "$total_passed passed, $total_failed failed"
[ "$total_failed" -eq 0 ]
