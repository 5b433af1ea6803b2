#!/bin/sh
# tests/cross/table.sh BUILD NAME...: the markdown tables of make cross-table, from the result.txt
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

# Inference on both chips, float next to int8. A build that was not made (a double model has no
# int8 build; a model too large for the micro:bit has no M0 build) has no row.
echo
echo "| spec | chip | build | flash B | model object B | weights B | RAM B (+ stack) | instr / inference | int8: fewer instr than float |"
echo "|---|---|---|---:|---:|---:|---:|---:|---:|"
for name in "$@"; do
    dtype=$(get "$name" dtype)
    echo "| $name | Cortex-M4F | $dtype \`_infer\` | $(get "$name" infer_flash) | $(get "$name" infer_object)" \
        "| $(get "$name" params_bytes) | $(get "$name" infer_ram) + $(get "$name" infer_stack)" \
        "| $(get "$name" infer_instructions) | |"
    if [ -n "$(get "$name" q8_instructions)" ]; then
        echo "| $name | Cortex-M4F | int8 \`_q8_infer\` | $(get "$name" q8_flash) | $(get "$name" q8_object)" \
            "| $(get "$name" q8_weights_bytes) | $(get "$name" q8_ram) + $(get "$name" q8_stack)" \
            "| $(get "$name" q8_instructions) | $(get "$name" q8_fewer_m4) |"
    fi
    if [ -n "$(get "$name" m0_infer_instructions)" ]; then
        echo "| $name | Cortex-M0 | $dtype \`_infer\` | $(get "$name" m0_infer_flash) | $(get "$name" m0_infer_object)" \
            "| $(get "$name" params_bytes) | $(get "$name" m0_infer_ram) + $(get "$name" m0_infer_stack)" \
            "| $(get "$name" m0_infer_instructions) | |"
    fi
    if [ -n "$(get "$name" m0_q8_instructions)" ]; then
        echo "| $name | Cortex-M0 | int8 \`_q8_infer\` | $(get "$name" m0_q8_flash) | $(get "$name" m0_q8_object)" \
            "| $(get "$name" q8_weights_bytes) | $(get "$name" m0_q8_ram) + $(get "$name" m0_q8_stack)" \
            "| $(get "$name" m0_q8_instructions) | $(get "$name" q8_fewer_m0) |"
    fi
done
echo
echo "Cortex-M0: QEMU microbit (nRF51822: 256 KiB flash, 16 KiB RAM), software floating point. Its" \
    "harness alone: $(get "$first" m0_empty_flash) B flash, $(get "$first" m0_empty_ram) B RAM." \
    "Model object: text + rodata of the model's own object (<name>_weights.o, <name>_q8.o), weights included."
