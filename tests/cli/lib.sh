# Shared by the CLI test scripts (sourced, POSIX sh): paths, the tally, known bugs, measurement.
#
# A script sets SUITE (its name in KNOWN_BUGS) before sourcing this file, then calls `problem CASE
# CHECK TEXT` per failed check, `result CASE [DETAIL]` once per case, and `finish` at the end,
# which prints "N passed, M failed" and exits non-zero if M > 0.

CLI_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$CLI_DIR/../.." && pwd)
KNOWN_BUGS_FILE=$CLI_DIR/KNOWN_BUGS
LIMIT_SECONDS=${LIMIT_SECONDS:-5}     # the contract's "within seconds", as a test bound
KILL_SECONDS=${KILL_SECONDS:-6}       # hard stop, so a hanging case cannot hang the suite
# A run is judged on two clocks. CPU time (user + system, from /usr/bin/time) must stay under
# LIMIT_SECONDS whatever the machine does: it is the work a run does (the spec sandbox stops a
# spec after about a second of CPU: an instruction count and an ITIMER_PROF timer, both CPU).
# Wall time must stay under LIMIT_SECONDS times the machine's load per CPU (at least 1), and the
# hard stop stretches the same way: a run that can have only N/L of a CPU on a machine with load L
# on N CPUs takes L/N times its CPU time in wall time (a 1 s sandbox case, 5 s at load 10 on two
# CPUs), while a run that waits instead of working (a lock, a FIFO) is still caught by the clock.
LIMIT_KIB=1048576                     # the contract's "well under 1 GiB", as a test bound

# The generator: $GRADC, or the first argument, made absolute (scripts cd around).
resolve_gradc() {
    _gradc=${1:-${GRADC:-$ROOT/gen/build/gradc}}
    case $_gradc in /*) ;; *) _gradc=$(pwd)/$_gradc ;; esac
    if [ ! -x "$_gradc" ]; then
        echo "$0: no generator at $_gradc (run make all, or pass its path)" >&2
        exit 2
    fi
    GRADC=$_gradc
}

passed=0
failed=0
known=0
case_problems=""
case_known=""

# known_checks CASE: the checks KNOWN_BUGS forgives for SUITE/CASE (comma-separated), or nothing.
known_checks() {
    [ "${GRADC_STRICT:-0}" = 1 ] && return 0
    [ -f "$KNOWN_BUGS_FILE" ] || return 0
    awk -v id="$SUITE/$1" '$1 == id { print $2 }' "$KNOWN_BUGS_FILE"
}

# problem CASE CHECK TEXT: record a failed check of the current case. KNOWN_BUGS forgives CHECK
# (must fail) or CHECK? (may fail: the bug depends on the speed of the machine).
problem() {
    _forgiven=$(known_checks "$1")
    case ",$_forgiven," in
        *",$2,"* | *",$2?,"*) case_known="$case_known; $2: $3" ;;
        *) case_problems="$case_problems; $2: $3" ;;
    esac
}

# result CASE [DETAIL]: print the case's line and count it.
result() {
    _forgiven=$(known_checks "$1")
    _strict=$(echo "$_forgiven" | tr ',' '\n' | grep -v -e '?$' -e '^$' | tr '\n' ',' || true)
    if [ -n "$_strict" ] && [ -z "$case_known" ] && [ -z "$case_problems" ]; then
        case_problems="; known-bugs: listed in tests/cli/KNOWN_BUGS ($_forgiven) but passes now: remove it from the list"
    fi
    if [ -n "$case_problems" ]; then
        failed=$((failed + 1))
        printf "%s\n" "FAIL $1${case_problems#;}${case_known:+ [also known bugs:${case_known#;}]}"
    elif [ -n "$case_known" ]; then
        passed=$((passed + 1))
        known=$((known + 1))
        printf "%s\n" "ok   $1 ${2:-} [KNOWN BUG, see tests/cli/KNOWN_BUGS:${case_known#;}]"
    else
        passed=$((passed + 1))
        printf "%s\n" "ok   $1 ${2:-}"
    fi
    case_problems=""
    case_known=""
}

finish() {
    if [ "$known" -gt 0 ]; then
        echo "($known of the passes are known generator bugs forgiven by tests/cli/KNOWN_BUGS; GRADC_STRICT=1 counts them)"
    fi
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}

# Peak memory: /usr/bin/time (Debian package `time`) if it works, else an address-space cap.
# CLI_MEASURE=ulimit forces the fallback (to test it).
if [ "${CLI_MEASURE:-auto}" != ulimit ] && [ -x /usr/bin/time ] \
    && /usr/bin/time -f '%M' -o /dev/null true 2>/dev/null; then
    MEASURE=rss
else
    MEASURE=ulimit
fi

describe_measurement() {
    if [ "$MEASURE" = rss ]; then
        echo "measuring: CPU time (limit ${LIMIT_SECONDS} s), wall time (limit ${LIMIT_SECONDS} s times the load per CPU,"
        echo "  now $(load_stretch)) and peak RSS with /usr/bin/time (limit 1 GiB)"
    else
        echo "measuring: wall time (limit ${LIMIT_SECONDS} s times the load per CPU); NOT measuring CPU time and"
        echo "  peak RSS (no working /usr/bin/time,"
        echo "  or CLI_MEASURE=ulimit; apt-get install time): each run's address space is capped at 1 GiB (ulimit -v)"
    fi
}

# load_stretch: the 1-minute load average per CPU, at least 1 (see LIMIT_SECONDS above).
load_stretch() {
    awk -v cpus="$(nproc 2>/dev/null || echo 1)" '{ s = $1 / cpus; printf "%.2f", (s > 1 ? s : 1) }' /proc/loadavg \
        2>/dev/null || echo 1
}

# run_measured DIR STDOUT STDERR CMD...: run CMD in DIR with the hard time stop and the memory
# measurement or cap. Sets run_status, run_seconds, run_cpu_seconds and run_kib ("" when not
# measured), and run_stretch (the load per CPU the wall-time limits were stretched by).
run_measured() {
    _run_dir=$1 _run_out=$2 _run_err=$3
    shift 3
    _run_stats=$(mktemp)
    run_stretch=$(load_stretch)
    run_kill_seconds=$(awk -v k="$KILL_SECONDS" -v s="$run_stretch" 'BEGIN { printf "%d", k * s + 0.999 }')
    _run_start=$(date +%s%N)
    set +e
    if [ "$MEASURE" = rss ]; then
        (cd "$_run_dir" && ulimit -v 4194304 && exec /usr/bin/time -f '%M %U %S' -o "$_run_stats" \
            timeout -s KILL "$run_kill_seconds" "$@" >"$_run_out" 2>"$_run_err")
    else
        (cd "$_run_dir" && ulimit -v "$LIMIT_KIB" && exec timeout -s KILL "$run_kill_seconds" "$@" \
            >"$_run_out" 2>"$_run_err")
    fi
    run_status=$?
    set -e
    _run_end=$(date +%s%N)
    run_seconds=$(awk -v a="$_run_start" -v b="$_run_end" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')
    run_kib="" run_cpu_seconds=""
    if [ "$MEASURE" = rss ]; then
        _run_line=$(tail -n 1 "$_run_stats")
        run_kib=$(echo "$_run_line" | awk 'NF == 3 && $1 ~ /^[0-9]+$/ { print $1 }')
        run_cpu_seconds=$(echo "$_run_line" | awk 'NF == 3 && $1 ~ /^[0-9]+$/ { printf "%.2f", $2 + $3 }')
    fi
    rm -f "$_run_stats"
}

# check_run CASE: the checks every failing run must pass (status, time, memory).
check_run() {
    if [ "$run_status" -eq 0 ]; then
        problem "$1" status "exit status 0, expected a failure"
    elif [ "$run_status" -ge 128 ]; then
        problem "$1" status "exit status $run_status (killed by a signal, or stopped after ${run_kill_seconds} s)"
    fi
    check_time_memory "$1"
}

check_time_memory() {
    if [ -n "$run_cpu_seconds" ] && awk -v s="$run_cpu_seconds" -v l="$LIMIT_SECONDS" 'BEGIN { exit !(s >= l) }'; then
        problem "$1" time "used ${run_cpu_seconds} s of CPU, limit ${LIMIT_SECONDS} s"
    fi
    _wall_limit=$(awk -v l="$LIMIT_SECONDS" -v s="$run_stretch" 'BEGIN { printf "%.2f", l * s }')
    if awk -v s="$run_seconds" -v l="$_wall_limit" 'BEGIN { exit !(s >= l) }'; then
        problem "$1" time "took ${run_seconds} s, limit ${_wall_limit} s (${LIMIT_SECONDS} s at a load of ${run_stretch} per CPU)"
    fi
    if [ -n "$run_kib" ] && [ "$run_kib" -ge "$LIMIT_KIB" ]; then
        problem "$1" memory "peak RSS ${run_kib} KiB, limit $LIMIT_KIB KiB"
    elif [ "$MEASURE" = rss ] && { [ -z "$run_kib" ] || [ -z "$run_cpu_seconds" ]; }; then
        problem "$1" memory "peak RSS and CPU time not reported by /usr/bin/time"
    fi
}

# shown FILE: a file's first 200 bytes on one line, for messages.
shown() {
    head -c 200 "$1" | tr '\n' '|' | sed 's/|$//'
}

run_detail() {
    if [ -n "$run_kib" ]; then
        echo "(${run_seconds} s, ${run_cpu_seconds} s CPU, $((run_kib / 1024)) MiB)"
    else
        echo "(${run_seconds} s)"
    fi
}
