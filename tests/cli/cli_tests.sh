#!/bin/sh
# Command-line behaviour that is not about one bad spec: deterministic output, no machine paths or
# dates in it, atomic replacement of OUT/<name>/ (killed runs, concurrent runs, folders inside it),
# SPEC and OUT anywhere, an OUT blocked by a file, read-only or full, spec and weights files that
# are not regular files. One line per check.
#
#   tests/cli/cli_tests.sh [GRADC]
set -eu
SUITE=cli
. "$(dirname "$0")/lib.sh"
resolve_gradc "${1:-}"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/gradc-cli.XXXXXX")
chmod 755 "$WORK"
# File systems the tests mount (as root) under $WORK, unmounted before $WORK is removed.
MOUNTS=""
cleanup() {
    for mounted in $MOUNTS; do
        umount "$mounted" 2>/dev/null || umount -l "$mounted" 2>/dev/null || true
    done
    chmod -R u+w "$WORK" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 2' INT TERM
echo "cli_tests: $GRADC, work folder $WORK"

# gen [ARGS...]: run the generator with stdout and stderr into $WORK/stdout, $WORK/stderr.
gen() {
    set +e
    "$GRADC" "$@" > "$WORK/stdout" 2> "$WORK/stderr"
    gen_status=$?
    set -e
}

# expect_clean_failure CASE: the last gen failed with status 1..127 and one line on stderr.
expect_clean_failure() {
    if [ "$gen_status" -eq 0 ]; then
        problem "$1" status "exit status 0, expected a failure"
    elif [ "$gen_status" -ge 128 ]; then
        problem "$1" status "exit status $gen_status (a signal)"
    fi
    if [ "$(wc -l < "$WORK/stderr")" -ne 1 ] || [ ! -s "$WORK/stderr" ]; then
        problem "$1" stderr "expected one line, got $(wc -l < "$WORK/stderr"): '$(shown "$WORK/stderr")'"
    fi
}

# expect_stderr CASE LINE: stderr is exactly LINE.
expect_stderr() {
    if [ "$(cat "$WORK/stderr")" != "$2" ]; then
        problem "$1" stderr "got '$(shown "$WORK/stderr")', expected '$2'"
    fi
}

# within CASE SECONDS: the last run_measured run took less than SECONDS.
within() {
    if awk -v s="$run_seconds" -v l="$2" 'BEGIN { exit !(s >= l) }'; then
        problem "$1" time "took $run_seconds s, expected under $2 s"
    fi
}

# os_reason_for_mkdir DIR: why the system refuses a folder in DIR, in its own words (strerror,
# from mkdir(1): the text after its last ": ").
os_reason_for_mkdir() {
    mkdir "$1/.gradc-probe" 2>&1 | sed 's/.*: //'
    rmdir "$1/.gradc-probe" 2>/dev/null || true
}

expect_success() {
    if [ "$gen_status" -ne 0 ]; then
        problem "$1" status "exit status $gen_status: '$(shown "$WORK/stderr")'"
    fi
}

# only_entries CASE DIR NAME...: DIR holds exactly the entries NAME... (hidden ones included).
only_entries() {
    _case=$1 _dir=$2
    shift 2
    _want=$(printf '%s\n' "$@" | LC_ALL=C sort | tr '\n' ' ')
    _have=$(ls -A "$_dir" | LC_ALL=C sort | tr '\n' ' ')
    if [ "$_want" != "$_have" ]; then
        problem "$_case" out "$_dir holds '$_have', expected '$_want'"
    fi
}

# victim_spec FILE UNITS: the good victim spec with another hidden width (UNITS = 0 is a bad spec).
victim_spec() {
    sed "s/{ units = 3, activation = \"tanh\" }/{ units = $2, activation = \"tanh\" }/" \
        "$CLI_DIR/good/victim.lua" > "$1"
    grep -q "units = $2," "$1" || { echo "cli_tests: cannot derive a victim spec" >&2; exit 2; }
}

# ---------------------------------------------------------------- determinism
for spec in "$ROOT"/specs/*.lua; do
    base=$(basename "$spec" .lua)
    case_id=determinism_$base
    det1=$WORK/det/$base/1 det2=$WORK/det/$base/2
    gen --out "$det1" "$spec"
    expect_success "$case_id"
    status1=$gen_status
    gen --out "$det2" "$spec"
    expect_success "$case_id"
    if [ "$status1" -eq 0 ] && [ "$gen_status" -eq 0 ]; then
        files=0
        for file in $(cd "$det1" && find . -type f | LC_ALL=C sort); do
            files=$((files + 1))
            cmp -s "$det1/$file" "$det2/$file" || problem "$case_id" cmp "$file differs between two runs"
        done
        (cd "$det1" && find . | LC_ALL=C sort) > "$WORK/list1"
        (cd "$det2" && find . | LC_ALL=C sort) > "$WORK/list2"
        if ! cmp -s "$WORK/list1" "$WORK/list2"; then
            problem "$case_id" cmp "the two runs wrote different file lists: $(diff "$WORK/list1" "$WORK/list2" | grep '^[<>]' | head -n 2 | tr '\n' '|')"
        fi
        result "$case_id" "($files files identical)"
    else
        result "$case_id"
    fi
done

# ---------------------------------------------------------------- no paths of this machine, no dates
# The specs are copied to a folder with a distinctive absolute path, generated from there into
# another; the output must name neither, nor the project root, the host name, the user or the year.
spec_dir=$WORK/where_the_spec_lives
mkdir -p "$spec_dir"
cp "$ROOT"/specs/*.lua "$spec_dir/"
for spec in "$spec_dir"/*.lua; do
    gen --out "$WORK/paths_out" "$spec"
    expect_success no_machine_data
done
year=$(date +%Y)
host=$(hostname 2>/dev/null || cat /etc/hostname 2>/dev/null || echo "")
user=$(id -un 2>/dev/null || echo "")
checked="$WORK, $ROOT, year $year"
grep -r -l -F -e "$WORK" -e "$ROOT" -e "$spec_dir" "$WORK/paths_out" > "$WORK/hits" || true
[ -s "$WORK/hits" ] && problem no_machine_data paths "absolute paths in: $(tr '\n' ' ' < "$WORK/hits")"
grep -r -l -w -e "$year" "$WORK/paths_out" > "$WORK/hits" || true
[ -s "$WORK/hits" ] && problem no_machine_data date "the year $year in: $(tr '\n' ' ' < "$WORK/hits")"
grep -r -l -E -e '[0-9]{2}:[0-9]{2}:[0-9]{2}' "$WORK/paths_out" > "$WORK/hits" || true
[ -s "$WORK/hits" ] && problem no_machine_data date "a time of day in: $(tr '\n' ' ' < "$WORK/hits")"
for word in "$host" "$user"; do
    # Short words (root, a 3-letter host) would match ordinary text: they are named, not searched.
    if [ ${#word} -ge 5 ] && [ "$word" != "gradc" ]; then
        grep -r -l -w -F -e "$word" "$WORK/paths_out" > "$WORK/hits" || true
        [ -s "$WORK/hits" ] && problem no_machine_data names "'$word' in: $(tr '\n' ' ' < "$WORK/hits")"
        checked="$checked, '$word'"
    else
        checked="$checked (not '$word': too short to search)"
    fi
done
result no_machine_data "(searched for $checked)"

# ---------------------------------------------------------------- atomic replacement
out=$WORK/atomic
victim_spec "$WORK/victim.lua" 3
victim_spec "$WORK/victim_bad.lua" 0
victim_spec "$WORK/victim_changed.lua" 5
gen --out "$out" "$WORK/victim.lua"
expect_success atomic_first_generation
only_entries atomic_first_generation "$out" victim
result atomic_first_generation
cp -R "$out" "$WORK/atomic_before"

gen --out "$out" "$WORK/victim_bad.lua"
expect_clean_failure atomic_bad_spec_same_name
diff -r "$WORK/atomic_before" "$out" > /dev/null 2>&1 || problem atomic_bad_spec_same_name out "OUT changed: $(diff -r "$WORK/atomic_before" "$out" | head -n 2 | tr '\n' '|')"
result atomic_bad_spec_same_name "($(shown "$WORK/stderr"))"

# Staging folders of a killed run (.<name>.gradc-new-N: being written, or after the exchange the
# previous output; .<name>.gradc-old-N: the previous output moved aside) are cleaned up by the next
# run: it holds OUT's lock, so no run still going can own them (concurrent runs: see below).
echo "/* left by the user or by an older gradc */" > "$out/victim/stale.c"
mkdir -p "$out/.victim.gradc-new-1" "$out/.victim.gradc-new-7/sub" "$out/.victim.gradc-old-2"
echo "debris of a killed run" > "$out/.victim.gradc-new-1/victim.c"
echo "debris of a killed run" > "$out/.victim.gradc-new-7/sub/victim.c"
echo "the output before the killed run's" > "$out/.victim.gradc-old-2/victim.c"
gen --out "$out" "$WORK/victim_changed.lua"
expect_success atomic_changed_spec
gen --out "$WORK/atomic_fresh" "$WORK/victim_changed.lua"
if diff -r "$WORK/atomic_before" "$out" > /dev/null 2>&1; then
    problem atomic_changed_spec out "OUT/victim/ was not replaced"
fi
only_entries atomic_changed_spec "$out" victim
if ! diff -r "$WORK/atomic_fresh/victim" "$out/victim" > "$WORK/diff" 2>&1; then
    problem atomic_changed_spec out "OUT/victim/ is not what a fresh run writes (a stale .c would be compiled with the rest): $(head -n 2 "$WORK/diff" | tr '\n' '|')"
fi
result atomic_changed_spec "(stale .victim.gradc-new-1, -new-7 (with a subfolder), -old-2 removed, stale.c gone)"

# The state a kill between the fallback's two renames leaves (OUT/victim moved aside to
# .victim.gradc-old-N, the new one not in yet), with a half-written staging folder next to it: the
# next run into that OUT, for another spec, puts the previous output back and removes the rest.
out=$WORK/kill_window
mkdir -p "$out"
cp -R "$WORK/atomic_before/victim" "$out/.victim.gradc-old-3"
echo "marker: the previous output" > "$out/.victim.gradc-old-3/marker.txt"
mkdir -p "$out/.victim.gradc-new-4"
echo "half written" > "$out/.victim.gradc-new-4/victim.h"
cp -R "$out/.victim.gradc-old-3" "$WORK/kill_window_previous"
gen --out "$out" "$ROOT/specs/xor.lua"
expect_success kill_window_restored
only_entries kill_window_restored "$out" victim xor
diff -r "$WORK/kill_window_previous" "$out/victim" > /dev/null 2>&1 \
    || problem kill_window_restored out "OUT/victim/ is not the output that was moved aside"
result kill_window_restored "(.victim.gradc-old-3 back as OUT/victim/, .victim.gradc-new-4 removed)"

# The same state, then a run for the same name: its output in place, nothing hidden left.
out=$WORK/kill_window_same
mkdir -p "$out"
cp -R "$WORK/kill_window_previous" "$out/.victim.gradc-old-3"
mkdir -p "$out/.victim.gradc-new-4"
gen --out "$out" "$WORK/victim_changed.lua"
expect_success kill_window_same_name
only_entries kill_window_same_name "$out" victim
diff -r "$WORK/atomic_fresh/victim" "$out/victim" > /dev/null 2>&1 \
    || problem kill_window_same_name out "OUT/victim/ is not what a fresh run writes"
result kill_window_same_name

# The fallback swap for file systems without RENAME_EXCHANGE, reached through a preloaded
# renameat2 that fails with EINVAL (tests/cli/rename_shim.c): replacing works, nothing is left;
# then the same with gradc killed between its two renames, and the next run repairing that.
shim=$WORK/rename_shim.so
if ${CC:-cc} -shared -fPIC -o "$shim" "$CLI_DIR/rename_shim.c" -ldl 2> "$WORK/shim.err"; then
    out=$WORK/fallback
    gen --out "$out" "$WORK/victim.lua"
    mkdir -p "$out/victim/sub"
    echo "a user's file" > "$out/victim/sub/notes.txt"
    set +e
    LD_PRELOAD=$shim "$GRADC" --out "$out" "$WORK/victim_changed.lua" > "$WORK/stdout" 2> "$WORK/stderr"
    gen_status=$?
    set -e
    expect_success fallback_two_renames
    only_entries fallback_two_renames "$out" victim
    diff -r "$WORK/atomic_fresh/victim" "$out/victim" > /dev/null 2>&1 \
        || problem fallback_two_renames out "OUT/victim/ is not what a fresh run writes"
    result fallback_two_renames "(renameat2 refused; a subfolder in the old output)"

    out=$WORK/killed_between_renames
    gen --out "$out" "$WORK/victim.lua"
    cp -R "$out" "$WORK/killed_before"
    set +e
    LD_PRELOAD=$shim GRADC_SHIM_KILL_AT_PLACE=1 "$GRADC" --out "$out" "$WORK/victim_changed.lua" \
        > "$WORK/stdout" 2> "$WORK/stderr"
    gen_status=$?
    set -e
    [ "$gen_status" -eq 137 ] || problem killed_between_renames status "the shim did not kill gradc (status $gen_status)"
    [ -e "$out/victim" ] && problem killed_between_renames setup "OUT/victim exists: the kill was not between the renames"
    gen --out "$out" "$ROOT/specs/xor.lua"
    expect_success killed_between_renames
    only_entries killed_between_renames "$out" victim xor
    diff -r "$WORK/killed_before/victim" "$out/victim" > /dev/null 2>&1 \
        || problem killed_between_renames out "OUT/victim/ is not the output from before the killed run"
    result killed_between_renames "(killed with OUT/victim moved aside; the next run put it back)"
else
    problem fallback_two_renames compile "cannot build the rename shim: $(shown "$WORK/shim.err")"
    result fallback_two_renames
fi

# A folder a user made inside OUT/victim/ (and a link in it to a folder of theirs): replacing
# OUT/victim/ removes it whole, leaves no hidden .victim.gradc-old-N, and does not follow the link.
out=$WORK/subfolder
mkdir -p "$out" "$WORK/users_notes"
echo "keep me" > "$WORK/users_notes/notes.txt"
gen --out "$out" "$WORK/victim.lua"
mkdir -p "$out/victim/build/obj"
echo "object" > "$out/victim/build/obj/victim.o"
ln -s "$WORK/users_notes" "$out/victim/build/notes"
gen --out "$out" "$WORK/victim_changed.lua"
expect_success subfolder_in_output
only_entries subfolder_in_output "$out" victim
diff -r "$WORK/atomic_fresh/victim" "$out/victim" > /dev/null 2>&1 \
    || problem subfolder_in_output out "OUT/victim/ is not what a fresh run writes"
[ -f "$WORK/users_notes/notes.txt" ] || problem subfolder_in_output out "a file behind a link in OUT/victim/ was deleted"
result subfolder_in_output "(OUT/victim/build/ with a subfolder and a link, removed with the old output)"

# OUT/victim/ that no run of gradc wrote (a spec's name picks the folder: "docs" with OUT=. would
# be a checkout's docs/): refused and left as it was, with no victim.h in it and with one that is
# not gradc's.
for variant in no_header foreign_header; do
    out=$WORK/not_ours_$variant
    mkdir -p "$out/victim"
    echo "the user's notes" > "$out/victim/notes.md"
    [ $variant = foreign_header ] && echo "/* victim.h: the user's own header */" > "$out/victim/victim.h"
    cp -R "$out" "$WORK/not_ours_${variant}_before"
    gen --out "$out" "$WORK/victim.lua"
    expect_clean_failure "not_ours_$variant"
    expect_stderr "not_ours_$variant" "gradc: $out/victim exists and is not an earlier output of gradc (no victim.h of its own in it): refusing to replace it, which would remove everything in it (choose another OUT, or another name in the spec)"
    diff -r "$WORK/not_ours_${variant}_before" "$out" > /dev/null 2>&1 \
        || problem "not_ours_$variant" out "OUT/victim/ changed"
    result "not_ours_$variant" "(a folder gradc did not write: refused, left as it was)"
done

# The spec itself inside OUT/victim/, the folder the run would replace: refused, the spec and the
# folder as they were (replacing it would delete the spec the user is working on).
out=$WORK/spec_inside
gen --out "$out" "$WORK/victim.lua"
cp "$WORK/victim_changed.lua" "$out/victim/victim.lua"
cp -R "$out" "$WORK/spec_inside_before"
gen --out "$out" "$out/victim/victim.lua"
expect_clean_failure spec_inside_output
expect_stderr spec_inside_output "$out/victim/victim.lua: the spec file is inside $out/victim/, which generating replaces whole; copy it elsewhere or choose another OUT (e.g. OUT=out/deploy)"
diff -r "$WORK/spec_inside_before" "$out" > /dev/null 2>&1 \
    || problem spec_inside_output out "OUT/victim/ (with the spec in it) changed"
result spec_inside_output "(refused, the spec and OUT/victim/ left as they were)"

# The same spec reached by other routes: a link to it, OUT through a linked folder, ".." in the
# spec's path, a relative spec with an absolute OUT. Where the file really is decides; each is
# refused with the paths as given, and the spec and the folder are left as they were.
ln -s "$out/victim/victim.lua" "$WORK/linked_victim.lua"
ln -s "$out" "$WORK/spec_inside_link"
for route in link out_link dotdot relative; do
    case $route in
        link) out_given=$out; spec_given=$WORK/linked_victim.lua ;;
        out_link) out_given=$WORK/spec_inside_link; spec_given=$out/victim/victim.lua ;;
        dotdot) out_given=$out; spec_given=$WORK/subfolder/../spec_inside/victim/victim.lua ;;
        relative) out_given=$out; spec_given=$(realpath --relative-to=. "$out/victim/victim.lua") ;;
    esac
    gen --out "$out_given" "$spec_given"
    expect_clean_failure "spec_inside_output_$route"
    expect_stderr "spec_inside_output_$route" "$spec_given: the spec file is inside $out_given/victim/, which generating replaces whole; copy it elsewhere or choose another OUT (e.g. OUT=out/deploy)"
    diff -r "$WORK/spec_inside_before" "$out" > /dev/null 2>&1 \
        || problem "spec_inside_output_$route" out "OUT/victim/ (with the spec in it) changed"
    result "spec_inside_output_$route" "(refused, the spec and OUT/victim/ left as they were)"
done

# Concurrent runs into one OUT, two different outputs of the same name: every run succeeds, the
# folder is one run's output whole (last writer wins), and no run's staging folder is left.
out=$WORK/concurrent
gen --out "$WORK/concurrent_a" "$WORK/victim.lua"
gen --out "$WORK/concurrent_b" "$WORK/victim_changed.lua"
concurrent_failures=0
for round in 1 2 3; do
    pids=""
    for run in 1 2 3 4 5 6; do
        spec=$WORK/victim.lua
        [ $((run % 2)) -eq 0 ] && spec=$WORK/victim_changed.lua
        "$GRADC" --out "$out" "$spec" > /dev/null 2> "$WORK/concurrent_$run.err" &
        pids="$pids $!"
    done
    for pid in $pids; do
        wait "$pid" || concurrent_failures=$((concurrent_failures + 1))
    done
    only_entries concurrent_runs "$out" victim
    if ! diff -r "$WORK/concurrent_a/victim" "$out/victim" > /dev/null 2>&1 \
        && ! diff -r "$WORK/concurrent_b/victim" "$out/victim" > /dev/null 2>&1; then
        problem concurrent_runs out "round $round: OUT/victim/ is neither run's output whole"
    fi
done
[ "$concurrent_failures" -eq 0 ] || problem concurrent_runs status "$concurrent_failures of 18 runs failed: '$(cat "$WORK"/concurrent_*.err | head -n 1)'"
result concurrent_runs "(3 rounds of 6 runs at once)"

# OUT locked by another process for longer than a run ever holds it: a clean failure within
# seconds, OUT as it was (never a hang).
if command -v flock > /dev/null 2>&1; then
    out=$WORK/locked
    gen --out "$out" "$WORK/victim.lua"
    cp -R "$out" "$WORK/locked_before"
    flock -o "$out" sleep 7 &
    holder=$!
    sleep 0.3
    run_measured "$WORK" "$WORK/stdout" "$WORK/stderr" "$GRADC" --out "$out" "$WORK/victim_changed.lua"
    kill "$holder" 2>/dev/null || true
    wait "$holder" 2>/dev/null || true
    check_run locked_out
    [ "$(cat "$WORK/stderr")" = "gradc: cannot lock $out: another process has held it for 3 s" ] \
        || problem locked_out stderr "'$(shown "$WORK/stderr")'"
    diff -r "$WORK/locked_before" "$out" > /dev/null 2>&1 || problem locked_out out "OUT changed"
    result locked_out "($(shown "$WORK/stderr"), $(run_detail))"
else
    echo "note: locked_out not run (no flock command: apt-get install util-linux)"
fi

# OUT/victim as a symbolic link to a folder of the user's: regenerating must not delete the user's
# files through it ("writes OUT/<name>/ and nothing else").
out=$WORK/symlink_final
mkdir -p "$out" "$WORK/users_folder"
echo "int users_own_code;" > "$WORK/users_folder/main.c"
ln -s "$WORK/users_folder" "$out/victim"
gen --out "$out" "$WORK/victim.lua"
[ -f "$WORK/users_folder/main.c" ] || problem symlinked_output_folder out "the file the symbolic link OUT/victim pointed to was deleted"
result symlinked_output_folder
# The same through a planted staging name.
out=$WORK/symlink_staging
mkdir -p "$out" "$WORK/other_folder"
echo "precious" > "$WORK/other_folder/notes.txt"
ln -s "$WORK/other_folder" "$out/.victim.gradc-new-1"
gen --out "$out" "$WORK/victim.lua"
[ -f "$WORK/other_folder/notes.txt" ] || problem symlinked_staging_folder out "a file in the folder OUT/.victim.gradc-new-1 pointed to was deleted"
result symlinked_staging_folder

# A spec that builds its layers in pairs() order over string keys, names itself after next() and
# uses tostring of a table: Lua seeds its string hash afresh in every process, so these gave
# another network (and ARCH_HASH) run after run. The sandbox's next, pairs and tostring make ten
# separate runs write the same bytes.
cat > "$WORK/hash_order.lua" << 'SPEC'
local widths = { a = 3, b = 5, c = 7, d = 9, e = 11, f = 13, g = 15, h = 17 }
local layers = {}
for _, w in pairs(widths) do layers[#layers + 1] = { units = w, activation = "relu" } end
layers[#layers + 1] = { units = 1, activation = "linear" }
return { name = "ho_" .. next(widths) .. #tostring({}), input = 2, batch = 4, loss = "mse", layers = layers }
SPEC
rm -rf "$WORK/hash_order_first"
gen --out "$WORK/hash_order_first" "$WORK/hash_order.lua"
expect_success hash_order
for run in 2 3 4 5 6 7 8 9 10; do
    rm -rf "$WORK/hash_order_again"
    gen --out "$WORK/hash_order_again" "$WORK/hash_order.lua"
    diff -r "$WORK/hash_order_first" "$WORK/hash_order_again" > /dev/null 2>&1 \
        || problem hash_order out "run $run wrote other files than the first"
done
grep -q '^ \*   layer 8: dense 15 -> 17' "$WORK/hash_order_first/ho_a5/ho_a5.h" 2> /dev/null \
    || problem hash_order out "the layers are not in the keys' order (a, b, ... h)"
result hash_order "(layers from pairs() over string keys: ten runs, the same bytes)"

# OUT a symbolic link whose target does not exist: said so (it was "File exists").
ln -s "$WORK/no_such_folder/deeper" "$WORK/dangling_out"
gen --out "$WORK/dangling_out" "$ROOT/specs/xor.lua"
expect_clean_failure dangling_out
expect_stderr dangling_out "gradc: output path $WORK/dangling_out is a symbolic link to nothing (its target does not exist)"
[ ! -e "$WORK/no_such_folder" ] || problem dangling_out out "the link's target folder was made"
result dangling_out

# A full standard output (what a build system reading --name would get nothing from) is a failure
# with one line, not a silent success.
if [ -w /dev/full ]; then
    set +e
    "$GRADC" --name "$ROOT/specs/xor.lua" > /dev/full 2> "$WORK/stderr"
    gen_status=$?
    set -e
    expect_clean_failure stdout_full
    expect_stderr stdout_full "gradc: cannot write to standard output: No space left on device"
    result stdout_full "(--name into /dev/full)"
fi

# ---------------------------------------------------------------- SPEC and OUT anywhere
# An absolute SPEC under /tmp in a folder with a space, an absolute OUT elsewhere, run from /;
# then the same spec by a relative path from its own folder: the same bytes.
anywhere=$WORK/some\ dir/deeper
mkdir -p "$anywhere"
cp "$ROOT/specs/softmax.lua" "$anywhere/net.lua"
(cd / && "$GRADC" --out "$WORK/far away/out" "$anywhere/net.lua" > "$WORK/stdout" 2> "$WORK/stderr") && gen_status=0 || gen_status=$?
expect_success spec_and_out_anywhere
(cd "$anywhere" && "$GRADC" --out rel_out net.lua > /dev/null 2>&1) || problem spec_and_out_anywhere status "relative SPEC and OUT failed"
if ! diff -r "$WORK/far away/out" "$anywhere/rel_out" > /dev/null 2>&1; then
    problem spec_and_out_anywhere out "absolute and relative runs differ"
fi
only_entries spec_and_out_anywhere "$WORK/far away/out" softmax
result spec_and_out_anywhere "(absolute paths with spaces, run from /)"

# make gen with an absolute SPEC and OUT outside the project (the contract's own command line).
make_out=$WORK/make_out
if ${MAKE:-make} -s -C "$ROOT" gen SPEC="$anywhere/net.lua" OUT="$make_out" > "$WORK/stdout" 2> "$WORK/stderr"; then
    diff -r "$WORK/far away/out" "$make_out" > /dev/null 2>&1 || problem make_gen_anywhere out "make gen wrote something else than the generator"
else
    problem make_gen_anywhere status "make gen failed: '$(shown "$WORK/stderr")'"
fi
result make_gen_anywhere

# make gen passes SPEC and OUT to the shell as single words, whatever characters they hold: quotes,
# a backtick command and a ';' in the folder names are file names, not shell code.
odd=$WORK/"it's \"odd\" \`touch pwned_spec\`;x"
mkdir -p "$odd"
cp "$ROOT/specs/softmax.lua" "$odd/net.lua"
odd_out=$WORK/"out 'q' \`touch pwned_out\`"
if (cd "$WORK" && ${MAKE:-make} -s -C "$ROOT" gen SPEC="$odd/net.lua" OUT="$odd_out" > "$WORK/stdout" 2> "$WORK/stderr"); then
    diff -r "$WORK/far away/out" "$odd_out" > /dev/null 2>&1 || problem make_gen_quoting out "make gen wrote something else than the generator"
else
    problem make_gen_quoting status "make gen failed: '$(shown "$WORK/stderr")'"
fi
for pwned in "$WORK/pwned_spec" "$WORK/pwned_out" "$ROOT/pwned_spec" "$ROOT/pwned_out"; do
    [ ! -e "$pwned" ] || { problem make_gen_quoting shell "a backtick in a path ran: $pwned"; rm -f "$pwned"; }
done
result make_gen_quoting

# A line break cannot be quoted through make (its recipe lines end there): make refuses the value
# by name, in one line, before running anything.
broken=$(printf 'two\nlines')
mkdir -p "$WORK/$broken"
cp "$ROOT/specs/softmax.lua" "$WORK/$broken/net.lua"
if ${MAKE:-make} -s -C "$ROOT" gen SPEC="$WORK/$broken/net.lua" OUT="$WORK/line_break_out" > "$WORK/stdout" 2> "$WORK/stderr"; then
    problem make_gen_line_break status "make gen took a SPEC with a line break"
else
    [ "$(wc -l < "$WORK/stderr")" -eq 1 ] && grep -q '\*\*\* SPEC holds a line break, which make cannot pass to a command' "$WORK/stderr" ||
        problem make_gen_line_break stderr "'$(shown "$WORK/stderr")'"
fi
[ ! -e "$WORK/line_break_out" ] || problem make_gen_line_break out "OUT was created"
result make_gen_line_break

# Lua shortens chunk names over 60 bytes ("...tail"); the message still starts with the path as
# given, then the line.
long=$WORK/a_folder_name_long_enough_to_pass_lua_idsize/and_one_more_level
mkdir -p "$long"
printf 'local units = 4\nerror("no layers yet")\n' > "$long/net.lua"
gen --out "$WORK/long_out" "$long/net.lua"
expect_clean_failure long_spec_path
expect_stderr long_spec_path "$long/net.lua:2: no layers yet"
result long_spec_path "(${#long} + 8 characters)"

gen --out "$WORK/empty_out" ""
expect_clean_failure empty_spec_path
expect_stderr empty_spec_path "gradc: the spec path is empty (expected a spec file such as net.lua)"
result empty_spec_path

# A file name with a newline and a terminal escape in it: still one line, the two escaped.
odd_name=$(printf 'two\nlines\033[31m.lua')
printf 'error("boom")\n' > "$WORK/$odd_name"
(cd "$WORK" && "$GRADC" --out "$WORK/odd_name_out" "$odd_name" > "$WORK/stdout" 2> "$WORK/stderr") && gen_status=0 || gen_status=$?
expect_clean_failure control_characters_in_file_name
expect_stderr control_characters_in_file_name 'two\nlines\27[31m.lua:1: boom'
result control_characters_in_file_name

# ---------------------------------------------------------------- OUT blocked by a file
echo "a file, not a folder" > "$WORK/plain_file"
cp "$WORK/plain_file" "$WORK/plain_file.orig"
gen --out "$WORK/plain_file" "$WORK/victim.lua"
expect_clean_failure out_is_a_file
cmp -s "$WORK/plain_file" "$WORK/plain_file.orig" || problem out_is_a_file out "the file was changed"
result out_is_a_file "($(shown "$WORK/stderr"))"

gen --out "$WORK/plain_file/sub" "$WORK/victim.lua"
expect_clean_failure out_under_a_file
cmp -s "$WORK/plain_file" "$WORK/plain_file.orig" || problem out_under_a_file out "the file was changed"
result out_under_a_file "($(shown "$WORK/stderr"))"

mkdir -p "$WORK/blocked"
echo "a file where the folder should go" > "$WORK/blocked/victim"
gen --out "$WORK/blocked" "$WORK/victim.lua"
expect_clean_failure name_folder_is_a_file
only_entries name_folder_is_a_file "$WORK/blocked" victim
[ "$(cat "$WORK/blocked/victim")" = "a file where the folder should go" ] || problem name_folder_is_a_file out "the file was changed"
result name_folder_is_a_file "($(shown "$WORK/stderr"))"

if [ "$(id -u)" -ne 0 ]; then
    mkdir -p "$WORK/readonly"
    chmod 555 "$WORK/readonly"
    gen --out "$WORK/readonly" "$WORK/victim.lua"
    expect_clean_failure out_not_writable
    only_entries out_not_writable "$WORK/readonly"
    result out_not_writable "($(shown "$WORK/stderr"))"
else
    echo "note: out_not_writable not run (root ignores folder permissions)"
fi

# A folder in which mkdir is refused even to root: the system's reason, once (not a retry per
# staging name). /proc refuses new entries everywhere, whoever runs the tests.
reason=$(os_reason_for_mkdir /proc)
gen --out /proc "$WORK/victim.lua"
expect_clean_failure out_refuses_mkdir
expect_stderr out_refuses_mkdir "gradc: cannot create a staging folder in /proc: $reason"
result out_refuses_mkdir "($(shown "$WORK/stderr"))"

# A read-only file system, and one without free inodes (tmpfs mounts: root with mount allowed).
mounts_allowed=0
probe=$WORK/mount_probe
mkdir -p "$probe"
if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=1m tmpfs "$probe" 2> /dev/null; then
    MOUNTS="$probe"
    mounts_allowed=1
fi
if [ "$mounts_allowed" -eq 1 ]; then
    # Read-only with an earlier output in it: refused with the reason, the output as it was.
    readonly_out=$WORK/readonly_fs
    mkdir -p "$readonly_out"
    mount -t tmpfs -o size=4m tmpfs "$readonly_out"
    MOUNTS="$readonly_out $MOUNTS"
    gen --out "$readonly_out" "$WORK/victim.lua"
    cp -R "$readonly_out" "$WORK/readonly_before"
    mount -o remount,ro "$readonly_out"
    reason=$(os_reason_for_mkdir "$readonly_out")
    gen --out "$readonly_out" "$WORK/victim_changed.lua"
    expect_clean_failure out_read_only_fs
    expect_stderr out_read_only_fs "gradc: cannot create a staging folder in $readonly_out: $reason"
    diff -r "$WORK/readonly_before" "$readonly_out" > /dev/null 2>&1 || problem out_read_only_fs out "OUT changed"
    result out_read_only_fs "($(shown "$WORK/stderr"))"

    # No inode left: the staging folder itself is refused.
    full=$WORK/no_inodes
    mkdir -p "$full"
    mount -t tmpfs -o size=4m,nr_inodes=64 tmpfs "$full"
    MOUNTS="$full $MOUNTS"
    gen --out "$full" "$WORK/victim.lua"
    cp -R "$full" "$WORK/no_inodes_before"
    fillers=0
    while touch "$full/filler$fillers" 2> /dev/null; do fillers=$((fillers + 1)); done
    reason=$(os_reason_for_mkdir "$full")
    gen --out "$full" "$WORK/victim_changed.lua"
    expect_clean_failure out_no_inodes
    expect_stderr out_no_inodes "gradc: cannot create a staging folder in $full: $reason"
    # Three inodes free: the staging folder and two files fit, the third file does not; the
    # staging folder goes again and the earlier output stays.
    rm -f "$full/filler0" "$full/filler1" "$full/filler2"
    gen --out "$full" "$WORK/victim_changed.lua"
    expect_clean_failure out_no_inodes
    case $(cat "$WORK/stderr") in
        "gradc: cannot write $full/victim/"*": $reason") ;;
        *) problem out_no_inodes stderr "'$(shown "$WORK/stderr")', expected 'gradc: cannot write $full/victim/FILE: $reason'" ;;
    esac
    rm -f "$full"/filler*
    diff -r "$WORK/no_inodes_before" "$full" > /dev/null 2>&1 || problem out_no_inodes out "OUT changed: $(diff -r "$WORK/no_inodes_before" "$full" 2>&1 | head -n 2 | tr '\n' '|')"
    result out_no_inodes "($reason: for the staging folder, then for a file)"
else
    echo "note: out_read_only_fs and out_no_inodes not run (they mount a tmpfs: root with mount permitted)"
fi

# ---------------------------------------------------------------- spec files that cannot be read
gen --out "$WORK/never" "$WORK/no_such_spec.lua"
expect_clean_failure spec_missing
[ -e "$WORK/never" ] && [ -n "$(ls -A "$WORK/never")" ] && problem spec_missing out "OUT is not empty"
result spec_missing "($(shown "$WORK/stderr"))"

mkdir -p "$WORK/a_folder.lua"
gen --out "$WORK/never" "$WORK/a_folder.lua"
expect_clean_failure spec_is_a_folder
expect_stderr spec_is_a_folder "$WORK/a_folder.lua: spec is not a regular file (a directory)"
result spec_is_a_folder "($(shown "$WORK/stderr"))"

# An endless "file": refused before reading.
gen --check /dev/zero
expect_clean_failure spec_is_dev_zero
expect_stderr spec_is_dev_zero "/dev/zero: spec is not a regular file (a character device)"
result spec_is_dev_zero "($(shown "$WORK/stderr"))"

# A FIFO nobody writes to, as SPEC and as WEIGHTS: opening it to read would wait for a writer
# forever. Refused with the file's name, within a couple of seconds.
mkfifo "$WORK/spec_fifo.lua" "$WORK/weights_fifo.bin"
run_measured "$WORK" "$WORK/stdout" "$WORK/stderr" "$GRADC" --check "$WORK/spec_fifo.lua"
check_run spec_is_a_fifo
within spec_is_a_fifo 2
expect_stderr spec_is_a_fifo "$WORK/spec_fifo.lua: spec is not a regular file (a FIFO)"
result spec_is_a_fifo "($(shown "$WORK/stderr"), $(run_detail))"
run_measured "$WORK" "$WORK/stdout" "$WORK/stderr" "$GRADC" --out "$WORK/never" \
    --weights "$WORK/weights_fifo.bin" "$WORK/victim.lua"
check_run weights_is_a_fifo
within weights_is_a_fifo 2
expect_stderr weights_is_a_fifo "$WORK/weights_fifo.bin: weights file is not a regular file (a FIFO)"
result weights_is_a_fifo "($(shown "$WORK/stderr"), $(run_detail))"
gen --check --weights /dev/zero "$WORK/victim.lua"
expect_clean_failure weights_is_dev_zero
expect_stderr weights_is_dev_zero "/dev/zero: weights file is not a regular file (a character device)"
result weights_is_dev_zero "($(shown "$WORK/stderr"))"

# gradc --install STAGED OUT (make train's last step): OUT/<name>/ becomes STAGED's files; a
# staged folder holding a FIFO (or a subfolder) is refused before anything is read or replaced.
out=$WORK/install
gen --out "$out" "$WORK/victim.lua"
cp -R "$out" "$WORK/install_before"
mkdir -p "$WORK/staged/victim"
cp "$WORK/atomic_fresh/victim"/* "$WORK/staged/victim/"
echo "weights" > "$WORK/staged/victim/victim.bin"
mkfifo "$WORK/staged/victim/loss.csv"
run_measured "$WORK" "$WORK/stdout" "$WORK/stderr" "$GRADC" --install "$WORK/staged/victim" "$out"
check_run install_refuses_a_fifo
within install_refuses_a_fifo 2
expect_stderr install_refuses_a_fifo "gradc: cannot install $WORK/staged/victim/loss.csv: not a regular file (a FIFO)"
diff -r "$WORK/install_before" "$out" > /dev/null 2>&1 || problem install_refuses_a_fifo out "OUT changed"
result install_refuses_a_fifo "($(shown "$WORK/stderr"))"
rm "$WORK/staged/victim/loss.csv"
gen --install "$WORK/staged/victim" "$out"
expect_success install_replaces
only_entries install_replaces "$out" victim
diff -r "$WORK/staged/victim" "$out/victim" > /dev/null 2>&1 || problem install_replaces out "OUT/victim/ is not the staged folder"
result install_replaces

# A socket (bound by python3, which the test suite has anyway; skipped without it).
if /usr/bin/python3 -c "import socket; socket.socket(socket.AF_UNIX).bind('$WORK/spec_socket.lua')" 2> /dev/null; then
    run_measured "$WORK" "$WORK/stdout" "$WORK/stderr" "$GRADC" --check "$WORK/spec_socket.lua"
    check_run spec_is_a_socket
    expect_stderr spec_is_a_socket "$WORK/spec_socket.lua: spec is not a regular file (a socket)"
    result spec_is_a_socket "($(shown "$WORK/stderr"))"
else
    echo "note: spec_is_a_socket not run (no /usr/bin/python3 to bind a socket)"
fi

# File size: a spec of exactly 1 MiB is read; one byte more is refused (sandbox.FILE_LIMIT).
# The padding is a comment, so only the size differs.
big=$WORK/size/big.lua
mkdir -p "$WORK/size"
cp "$CLI_DIR/good/victim.lua" "$big"
pad=$((1048576 - $(wc -c < "$big") - 3))
{ printf -- '--'; head -c "$pad" /dev/zero | tr '\0' 'x'; printf '\n'; } >> "$big"
gen --check "$big"
expect_success spec_of_1_mib
[ "$(wc -c < "$big")" -eq 1048576 ] || problem spec_of_1_mib size "the test spec is $(wc -c < "$big") bytes"
result spec_of_1_mib
printf 'x' >> "$big"
gen --check "$big"
expect_clean_failure spec_over_1_mib
result spec_over_1_mib "($(shown "$WORK/stderr"))"

# --check writes nothing, not even an empty OUT.
gen --check --out "$WORK/check_out" "$WORK/victim.lua"
expect_success check_writes_nothing
[ -e "$WORK/check_out" ] && problem check_writes_nothing out "--check created $WORK/check_out"
[ -s "$WORK/stdout" ] || problem check_writes_nothing stdout "no summary on stdout"
result check_writes_nothing

# An option that takes a value, given last (or with an empty value): refused in one line, naming
# the option and what it takes.
for missing in "--out|gradc: --out needs a folder (see gradc --help)" \
    "--weights|gradc: --weights needs a weights file (see gradc --help)" \
    "--quant|gradc: --quant needs a scheme (int8)" \
    "--calib|gradc: --calib needs a calibration file (CSV)"; do
    option=${missing%%|*}
    message=${missing#*|}
    case_id=option_without_value_${option#--}
    for form in last empty; do
        if [ "$form" = last ]; then
            gen "$WORK/victim.lua" "$option"
        else
            gen "$option" "" "$WORK/victim.lua"
        fi
        [ "$gen_status" -ge 1 ] && [ "$gen_status" -le 127 ] || problem "$case_id" status "$form: exit status $gen_status, expected a failure"
        [ "$(cat "$WORK/stderr")" = "$message" ] || problem "$case_id" stderr "$form: got '$(shown "$WORK/stderr")', expected '$message'"
    done
    result "$case_id"
done

finish
