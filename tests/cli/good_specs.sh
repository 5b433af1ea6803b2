#!/bin/sh
# Runs every tests/cli/good/NAME.lua (specs at the edges of what the contract allows) through the
# generator into a fresh OUT and checks:
#   status   exit 0, nothing on stderr
#   folder   OUT holds exactly one folder D (the spec's name where it is a literal), holding D.h,
#            D.c and gradc_rt.h, files only
#   time, memory  the same bounds as for bad specs
#   compile  (unless the spec has a line "-- cli: no-compile (REASON)", printed with the result)
#            every .c of D compiles as C99 with -Wall -Wextra -Wpedantic -Werror and links with a
#            main that calls D_init and D_train_state_init, with -lm only
#   twin     where NAME.twin exists (the same spec written differently, e.g. 2 for 2.0), generating
#            it (under the same file name) gives a byte-identical folder
#
#   tests/cli/good_specs.sh [GRADC] [CASE...]
set -eu
SUITE=good
. "$(dirname "$0")/lib.sh"
resolve_gradc "${1:-}"
[ $# -gt 0 ] && shift
CC=${CC:-cc}
GOOD_DIR=$CLI_DIR/good
WORK=$(mktemp -d "${TMPDIR:-/tmp}/gradc-good-specs.XXXXXX")
trap 'rm -rf "$WORK"' EXIT INT TERM

if [ $# -gt 0 ]; then
    cases=$*
else
    cases=$(cd "$GOOD_DIR" && ls ./*.lua | sed -e 's|^\./||' -e 's/\.lua$//' | LC_ALL=C sort)
fi
echo "good_specs: $(echo $cases | wc -w) cases with $GRADC, compiled with $CC"
describe_measurement

note=""
for name in $cases; do
    dir=$WORK/$name
    mkdir -p "$dir/spec"
    cp "$GOOD_DIR/$name.lua" "$dir/spec/"
    out=$dir/out
    run_measured "$dir/spec" "$dir/stdout" "$dir/stderr" "$GRADC" --out "$out" "$name.lua"
    if [ "$run_status" -ne 0 ]; then
        problem "$name" status "exit status $run_status, stderr '$(shown "$dir/stderr")'"
        result "$name"
        continue
    fi
    [ -s "$dir/stderr" ] && problem "$name" stderr "expected nothing, got '$(shown "$dir/stderr")'"
    check_time_memory "$name"

    entries=$(ls -A "$out")
    folder=$entries
    literal=$(sed -n 's/^ *name = "\([a-z0-9_]*\)",.*/\1/p' "$GOOD_DIR/$name.lua" | head -n 1)
    if [ "$(echo "$entries" | wc -l)" -ne 1 ] || [ ! -d "$out/$folder" ]; then
        problem "$name" folder "OUT should hold one folder, holds: $(echo $entries)"
        result "$name"
        continue
    fi
    if [ -n "$literal" ] && [ "$folder" != "$literal" ]; then
        problem "$name" folder "folder is '$folder', the spec's name is '$literal'"
    fi
    for file in "$folder.h" "$folder.c" gradc_rt.h; do
        [ -f "$out/$folder/$file" ] || problem "$name" folder "no $file in OUT/$folder/"
    done
    nonfile=$(find "$out/$folder" -mindepth 1 ! -type f | head -n 3 | tr '\n' ' ')
    [ -z "$nonfile" ] || problem "$name" folder "not plain files: $nonfile"

    cat > "$dir/main.c" <<EOF
#include "$folder.h"
static ${folder}_params params;
static ${folder}_train_state state;
int main(void)
{
    ${folder}_init(&params, ${folder}_INIT_SEED_PLACEHOLDER);
    ${folder}_train_state_init(&state);
    return 0;
}
EOF
    upper=$(echo "$folder" | tr '[:lower:]' '[:upper:]')
    sed -i "s/${folder}_INIT_SEED_PLACEHOLDER/${upper}_INIT_SEED/" "$dir/main.c"
    no_compile=$(sed -n 's/^-- cli: no-compile (\(.*\))$/\1/p' "$GOOD_DIR/$name.lua")
    if [ -n "$no_compile" ]; then
        note="compile skipped: $no_compile"
    elif ! $CC -std=c99 -Wall -Wextra -Wpedantic -Werror -I"$out/$folder" -o "$dir/program" \
        "$dir/main.c" "$out/$folder"/*.c -lm > "$dir/cc.log" 2>&1; then
        problem "$name" compile "$CC: $(grep -m 2 -E 'error|warning' "$dir/cc.log" | tr '\n' '|')"
    fi

    if [ -f "$GOOD_DIR/$name.twin" ]; then
        mkdir -p "$dir/twin"
        cp "$GOOD_DIR/$name.twin" "$dir/twin/$name.lua"
        if ! (cd "$dir/twin" && "$GRADC" --out "$dir/twin_out" "$name.lua" > /dev/null 2>"$dir/twin.err"); then
            problem "$name" twin "the twin spec failed: $(shown "$dir/twin.err")"
        elif ! diff -r "$out" "$dir/twin_out" > "$dir/twin.diff"; then
            problem "$name" twin "output differs from the twin's: $(head -n 4 "$dir/twin.diff" | tr '\n' '|')"
        fi
    fi
    result "$name" "$(run_detail)${note:+ [$note]}"
    note=""
    rm -rf "$dir"
done
finish
