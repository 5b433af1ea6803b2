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
# Instructions per multiply-add (MACs counted from the spec by tests/cross/refnet.lua).
per_mac() {
    awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf("%.2f", a / b); else printf("-") }'
}

echo "| spec | dtype | inference-only: flash B | RAM B (+ stack) | instr / \`_infer\` | instr / MAC | training: flash B | RAM B (+ stack) | instr / \`_train_step\` | instr / MAC | ref engine: flash B | RAM B (+ heap) | instr / forward (1 sample) | instr / train step |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for name in "$@"; do
    [ -f "$build/$name.build/result.txt" ] || { echo "table.sh: no results for $name" >&2; exit 1; }
    echo "| $name | $(get "$name" dtype)" \
        "| $(get "$name" infer_flash) | $(get "$name" infer_ram) + $(get "$name" infer_stack)" \
        "| $(get "$name" infer_instructions)" \
        "| $(per_mac "$(get "$name" infer_instructions)" "$(get "$name" infer_macs)")" \
        "| $(get "$name" train_flash) | $(get "$name" train_ram) + $(get "$name" train_stack)" \
        "| $(get "$name" train_instructions)" \
        "| $(per_mac "$(get "$name" train_instructions)" "$(get "$name" train_step_macs)")" \
        "| $(get "$name" ref_flash) | $(get "$name" ref_ram) + $(get "$name" ref_heap)" \
        "| $(ratio "$(get "$name" ref_forward_instructions)" "$(get "$name" infer_instructions)")" \
        "| $(ratio "$(get "$name" ref_train_instructions)" "$(get "$name" train_instructions)") |"
done
first=$1
echo
echo "Every image includes the same harness (startup code, semihosting output, counters):" \
    "$(get "$first" empty_flash) B flash, $(get "$first" empty_ram) B RAM on its own." \
    "Instructions per MAC: per multiply-add of the call, counted from the spec: one sample's for" \
    "\`_infer\`; for \`_train_step\` the batch's forward multiply-adds and backward's (the weights'" \
    "gradient, and the input's gradient for every layer with a trainable layer below it)."

# Inference on every chip, float next to int8. A build that was not made (a double model has no
# int8 build; a model too large for the micro:bit has no M0 build; no RISC-V build without its
# tools) has no row.
# chip_row NAME CHIP KEY_PREFIX BUILD: one row; BUILD is infer or q8.
chip_row() {
    name=$1
    prefix=$3
    if [ "$4" = q8 ]; then
        label="int8 \`_q8_infer\`"
        weights=$(get "$name" q8_weights_bytes)
        case $prefix in
        '') fewer=$(get "$name" q8_fewer_m4) ;;
        m0_) fewer=$(get "$name" q8_fewer_m0) ;;
        *) fewer=$(get "$name" "${prefix}q8_fewer") ;;
        esac
    else
        label="$(get "$name" dtype) \`_infer\`"
        weights=$(get "$name" params_bytes)
        fewer=
    fi
    instructions=$(get "$name" "$prefix$4_instructions")
    [ -n "$instructions" ] || return 0
    echo "| $name | $2 | $label | $(get "$name" "$prefix$4_flash") | $(get "$name" "$prefix$4_object")" \
        "| $weights | $(get "$name" "$prefix$4_ram") + $(get "$name" "$prefix$4_stack")" \
        "| $instructions | $(per_mac "$instructions" "$(get "$name" infer_macs)") | $fewer |"
}
echo
echo "| spec | chip | build | flash B | model object B | weights B | RAM B (+ stack) | instr / inference | instr / MAC | int8: fewer instr than float |"
echo "|---|---|---|---:|---:|---:|---:|---:|---:|---:|"
for name in "$@"; do
    chip_row "$name" Cortex-M4F "" infer
    chip_row "$name" Cortex-M4F "" q8
    chip_row "$name" Cortex-M0 m0_ infer
    chip_row "$name" Cortex-M0 m0_ q8
    chip_row "$name" "RISC-V rv32imf" rv32imf_ infer
    chip_row "$name" "RISC-V rv32imf" rv32imf_ q8
    chip_row "$name" "RISC-V rv32imac" rv32imac_ infer
    chip_row "$name" "RISC-V rv32imac" rv32imac_ q8
done
echo
echo "MACs of one inference:" "$(for name in "$@"; do printf '%s %s, ' "$name" "$(get "$name" infer_macs)"; done | sed 's/, $//')."
echo "Cortex-M0: QEMU microbit (nRF51822: 256 KiB flash, 16 KiB RAM), software floating point. Its" \
    "harness alone: $(get "$first" m0_empty_flash) B flash, $(get "$first" m0_empty_ram) B RAM." \
    "Model object: text + rodata of the model's own object (<name>_weights.o, <name>_q8.o), weights included."
if [ -n "$(get "$first" rv32imf_empty_flash)" ]; then
    echo "RISC-V: QEMU virt with its CPU cut down to rv32imf (single-precision FPU, no compressed" \
        "instructions) or rv32imac (no FPU: libgcc's software floating point), picolibc; counts from" \
        "minstret under -icount. Harness alone: rv32imf $(get "$first" rv32imf_empty_flash) B flash," \
        "$(get "$first" rv32imf_empty_ram) B RAM; rv32imac $(get "$first" rv32imac_empty_flash) B flash," \
        "$(get "$first" rv32imac_empty_ram) B RAM."

    # Training on the two cores with a single-precision FPU.
    echo
    echo "| spec | dtype | chip | training: flash B | RAM B (+ stack) | instr / \`_train_step\` | MACs / train step | instr / MAC |"
    echo "|---|---|---|---:|---:|---:|---:|---:|"
    for name in "$@"; do
        macs=$(get "$name" train_step_macs)
        echo "| $name | $(get "$name" dtype) | Cortex-M4F | $(get "$name" train_flash)" \
            "| $(get "$name" train_ram) + $(get "$name" train_stack) | $(get "$name" train_instructions)" \
            "| $macs | $(per_mac "$(get "$name" train_instructions)" "$macs") |"
        [ -n "$(get "$name" rv32imf_train_instructions)" ] || continue
        echo "| $name | $(get "$name" dtype) | RISC-V rv32imf | $(get "$name" rv32imf_train_flash)" \
            "| $(get "$name" rv32imf_train_ram) + $(get "$name" rv32imf_train_stack)" \
            "| $(get "$name" rv32imf_train_instructions) | $macs" \
            "| $(per_mac "$(get "$name" rv32imf_train_instructions)" "$macs") |"
    done
fi
