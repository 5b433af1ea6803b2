#!/bin/sh
# tests/cross/table.sh BUILD NAME...: the markdown table of make cross-table, from the result.txt
# that tests/cross/cross.sh wrote for each model into BUILD/<name>.build/.
set -eu
build=$1
shift

get() {
    sed -n "s/^$2=//p" "$build/$1.build/result.txt"
}
# "a (b.bx)": the reference engine's count and how many times the generated code's it is.
ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN { printf("%d (%.1fx)", a, (b > 0 ? a / b : 0)) }'
}

echo "| spec | dtype | inference-only: flash B | RAM B (+ stack) | instr / \`_infer\` | training: flash B | RAM B (+ stack) | instr / \`_train_step\` | ref engine: flash B | RAM B (+ heap) | instr / forward (1 sample) | instr / train step |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for name in "$@"; do
    [ -f "$build/$name.build/result.txt" ] || { echo "table.sh: no results for $name" >&2; exit 1; }
    echo "| $name | $(get "$name" dtype)" \
        "| $(get "$name" infer_flash) | $(get "$name" infer_ram) + $(get "$name" infer_stack)" \
        "| $(get "$name" infer_instructions)" \
        "| $(get "$name" train_flash) | $(get "$name" train_ram) + $(get "$name" train_stack)" \
        "| $(get "$name" train_instructions)" \
        "| $(get "$name" ref_flash) | $(get "$name" ref_ram) + $(get "$name" ref_heap)" \
        "| $(ratio "$(get "$name" ref_forward_instructions)" "$(get "$name" infer_instructions)")" \
        "| $(ratio "$(get "$name" ref_train_instructions)" "$(get "$name" train_instructions)") |"
done
first=$1
echo
echo "Every image includes the same harness (startup code, semihosting output, counters):" \
    "$(get "$first" empty_flash) B flash, $(get "$first" empty_ram) B RAM on its own."
