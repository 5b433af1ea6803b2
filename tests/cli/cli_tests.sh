#!/bin/sh
# Command-line behaviour from CONTRACT.md section 1 that is not about one bad spec: deterministic
# output, no machine paths or dates in it, atomic replacement of OUT/<name>/, SPEC and OUT anywhere,
# an OUT blocked by a file, spec files that cannot be read. One line per check.
#
#   tests/cli/cli_tests.sh [GRADC]
set -eu
SUITE=cli
. "$(dirname "$0")/lib.sh"
resolve_gradc "${1:-}"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/gradc-cli.XXXXXX")
chmod 755 "$WORK"
trap 'chmod -R u+w "$WORK" 2>/dev/null; rm -rf "$WORK"' EXIT INT TERM
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

# A staging folder of an interrupted run (or of a run still going: concurrent runs each stage in
# their own .<name>.gradc-new-N) is never reused, emptied or removed by another run.
echo "/* left by the user or by an older gradc */" > "$out/victim/stale.c"
mkdir -p "$out/.victim.gradc-new-1"
echo "debris of an interrupted run" > "$out/.victim.gradc-new-1/victim.c"
gen --out "$out" "$WORK/victim_changed.lua"
expect_success atomic_changed_spec
gen --out "$WORK/atomic_fresh" "$WORK/victim_changed.lua"
if diff -r "$WORK/atomic_before" "$out" > /dev/null 2>&1; then
    problem atomic_changed_spec out "OUT/victim/ was not replaced"
fi
[ "$(cat "$out/.victim.gradc-new-1/victim.c")" = "debris of an interrupted run" ] \
    || problem atomic_changed_spec out "another run's staging folder was touched"
rm -r "$out/.victim.gradc-new-1"
only_entries atomic_changed_spec "$out" victim
if ! diff -r "$WORK/atomic_fresh/victim" "$out/victim" > "$WORK/diff" 2>&1; then
    problem atomic_changed_spec out "OUT/victim/ is not what a fresh run writes (a stale .c would be compiled with the rest): $(head -n 2 "$WORK/diff" | tr '\n' '|')"
fi
result atomic_changed_spec "(no .victim.gradc-* of its own left, another run's untouched, stale.c gone)"

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

# ---------------------------------------------------------------- spec files that cannot be read
gen --out "$WORK/never" "$WORK/no_such_spec.lua"
expect_clean_failure spec_missing
[ -e "$WORK/never" ] && [ -n "$(ls -A "$WORK/never")" ] && problem spec_missing out "OUT is not empty"
result spec_missing "($(shown "$WORK/stderr"))"

mkdir -p "$WORK/a_folder.lua"
gen --out "$WORK/never" "$WORK/a_folder.lua"
expect_clean_failure spec_is_a_folder
result spec_is_a_folder "($(shown "$WORK/stderr"))"

# An endless "file": reading must stop at the size limit.
gen --check /dev/zero
expect_clean_failure spec_is_dev_zero
result spec_is_dev_zero "($(shown "$WORK/stderr"))"

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

finish
