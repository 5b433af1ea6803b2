#!/bin/sh
# tests/cross/cross.sh SPEC [WEIGHTS]: the Cortex-M4F deployment check for one spec (make cross).
#
#  1. Generate SPEC into $CROSS_BUILD/<name>/ with the weights embedded (WEIGHTS, or when none is
#     given the spec's own init saved by a small host program).
#  2. Cross-compile for Cortex-M4F, without <name>_io.c: a training build (<name>.c, calls
#     train_step), an inference-only build (<name>_weights.c and nothing else of the model), and
#     the generic reference engine (tests/ref/ref.c) on the same network. Print flash and RAM.
#  3. Run the three images under QEMU (mps2-an386) and the same three programs built for the host,
#     and compare every printed result; print instructions and stack per call.
#  4. Check that the init is the same bits in the model and the reference engine (and, for a float
#     model, on the host and the target); that a float model's images hold no double-precision or
#     libm double code; and that no call needs more stack than the header's *_STACK_BYTES.
# Results as key=value lines go to $CROSS_BUILD/<name>.build/result.txt (for make cross-table).
# Run from the project root. Exit status non-zero on any build failure or mismatch.
set -eu

SPEC=${1:?usage: cross.sh SPEC [WEIGHTS]}
WEIGHTS=${2:-}
GRADC=${GRADC:-gen/build/gradc}
HOST_CC=${HOST_CC:-cc}
CROSS_BUILD=${CROSS_BUILD:-tests/build/cross}
HERE=tests/cross

# The target: Cortex-M4 with the single-precision FPU, hard-float ABI; warnings are errors.
# -std=c99 also means -ffp-contract=off for GCC: no fused multiply-adds, like the host build
# (reg.c: 0 vfma with -std=c99, 102 with -std=gnu99).
TARGET_CFLAGS="-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -std=c99 -O2 -Wall -Wextra
    -Wpedantic -Wconversion -Wshadow -Werror -ffunction-sections -fdata-sections"
TARGET_LDFLAGS="-nostartfiles --specs=nano.specs -T $HERE/board/mps2_an386.ld -Wl,--gc-sections"
# The host twin: the plain C path (no -march, so none of gradc_rt.h's vector paths), no contraction.
# GRADC_PORTABLE: the host runs the plain C loops the target runs, not its AVX kernels (which fuse
# multiply-adds), so that results can be compared bit for bit.
HOST_CFLAGS="-std=c99 -O2 -ffp-contract=off -DGRADC_PORTABLE -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Werror"
QEMU="qemu-system-arm -M mps2-an386 -nographic -semihosting-config enable=on,target=native"
QEMU_TIMEOUT=60

# Largest accepted difference, relative (absolute below 1). Both sides do IEEE arithmetic in the
# same order without contraction, so results differ only through libm (newlib's tanhf, expf,
# log1pf, exp, pow... against glibc's, an ulp or two each) and what later steps make of that:
# measured at most 1 ulp (6e-8) in float, 1.1e-16 in double. The float bound leaves room for a
# user's build with contraction on (GCC's default -std=gnu*: vfma in the model code): that
# measured up to 5.8e-7. Anything wrong in the code itself is off by orders of magnitude more.
F32_TOLERANCE=1e-5
F64_TOLERANCE=1e-12

die() {
    echo "cross: $*" >&2
    exit 1
}

for tool in arm-none-eabi-gcc arm-none-eabi-size arm-none-eabi-objdump qemu-system-arm lua5.4; do
    command -v "$tool" > /dev/null 2>&1 || die "$tool not found (make deps-cross; lua5.4: make deps-test)"
done
[ -f "$SPEC" ] || die "no spec $SPEC"
[ -z "$WEIGHTS" ] || [ -f "$WEIGHTS" ] || die "no weights file $WEIGHTS"

# ---- 1. generate -------------------------------------------------------------------------------
# The model's name is whatever folder the generator writes: generate once into an empty probe folder
# (that copy, which has <name>_io.c, also builds the host program that writes default weights).
probe=$CROSS_BUILD/.probe
rm -rf "$probe"
mkdir -p "$probe"
"$GRADC" --out "$probe" "$SPEC" > "$probe.log" || { cat "$probe.log"; die "gradc failed on $SPEC"; }
name=$(ls "$probe")
[ -n "$name" ] && [ -f "$probe/$name/$name.h" ] || die "no model folder from gradc in $probe"
NAME=$(echo "$name" | tr 'a-z' 'A-Z')
W=$CROSS_BUILD/$name.build
G=$CROSS_BUILD/$name
rm -rf "$W"
mkdir -p "$W/target" "$W/host"
MODEL_DEFS="-DMODEL=$name -DMODEL_UPPER=$NAME -DMODEL_HEADER=\"$name.h\""

if [ -z "$WEIGHTS" ]; then
    # shellcheck disable=SC2086
    $HOST_CC $HOST_CFLAGS $MODEL_DEFS -I"$probe/$name" "$HERE/make_weights.c" "$probe/$name/$name.c" \
        "$probe/$name/${name}_io.c" -o "$W/host/make_weights" -lm
    WEIGHTS=$W/init.weights
    "$W/host/make_weights" "$WEIGHTS"
fi
"$GRADC" --out "$CROSS_BUILD" --weights "$WEIGHTS" "$SPEC" > "$W/gradc.log" \
    || { cat "$W/gradc.log"; die "gradc --weights $WEIGHTS failed"; }
lua5.4 "$HERE/refnet.lua" "$SPEC" > "$W/refnet.h"

# ---- 2. cross-compile --------------------------------------------------------------------------
tcc() {
    # shellcheck disable=SC2086
    arm-none-eabi-gcc $TARGET_CFLAGS "$@"
}
tlink() {
    out=$1
    shift
    # shellcheck disable=SC2086
    arm-none-eabi-gcc $TARGET_CFLAGS $TARGET_LDFLAGS -Wl,-Map="$out.map" "$@" -lm -o "$out"
}
T=$W/target
tcc -c "$HERE/board/board.c" -o "$T/board.o"
tcc -c "$HERE/board/syscalls.c" -o "$T/syscalls.o"
tcc -c "$HERE/probe.c" -o "$T/probe.o"
# shellcheck disable=SC2086
{
    tcc -c "$G/$name.c" -o "$T/$name.o"
    tcc -c "$G/${name}_weights.c" -o "$T/${name}_weights.o"
    tcc $MODEL_DEFS -I"$G" -c "$HERE/train_main.c" -o "$T/train_main.o"
    tcc $MODEL_DEFS -I"$G" -c "$HERE/infer_main.c" -o "$T/infer_main.o"
}
tcc -c tests/ref/ref.c -o "$T/ref.o"
tcc -Itests/ref -DREF_NET_HEADER='"refnet.h"' -I"$W" -c "$HERE/ref_main.c" \
    -o "$T/ref_main.o"
tcc -c "$HERE/empty_main.c" -o "$T/empty_main.o"
tlink "$T/train.elf" "$T/board.o" "$T/probe.o" "$T/train_main.o" "$T/$name.o"
tlink "$T/infer.elf" "$T/board.o" "$T/probe.o" "$T/infer_main.o" "$T/${name}_weights.o"
tlink "$T/ref.elf" "$T/board.o" "$T/syscalls.o" "$T/probe.o" "$T/ref_main.o" "$T/ref.o"
tlink "$T/empty.elf" "$T/board.o" "$T/probe.o" "$T/empty_main.o"

# ---- 2b. the host twins ------------------------------------------------------------------------
H=$W/host
hcc() {
    # shellcheck disable=SC2086
    $HOST_CC $HOST_CFLAGS "$@" -lm
}
# shellcheck disable=SC2086
{
    hcc $MODEL_DEFS -I"$G" -I$HERE "$HERE/train_main.c" "$HERE/probe.c" "$HERE/host.c" "$G/$name.c" \
        -o "$H/train"
    hcc $MODEL_DEFS -I"$G" -I$HERE "$HERE/infer_main.c" "$HERE/probe.c" "$HERE/host.c" \
        "$G/${name}_weights.c" -o "$H/infer"
}
hcc -Itests/ref -I$HERE -DREF_NET_HEADER='"refnet.h"' -I"$W" \
    "$HERE/ref_main.c" "$HERE/probe.c" "$HERE/host.c" tests/ref/ref.c -o "$H/ref"
hcc "$HERE/compare.c" -o "$H/compare"

# ---- 3. run and compare ------------------------------------------------------------------------
: > "$W/result.txt"
record() {
    echo "$1=$2" >> "$W/result.txt"
}
info() {
    sed -n "s/^# $2 //p" "$1"
}

dtype=$(sed -n "s/^typedef \([a-z]*\) ${name}_real;/\1/p" "$G/$name.h")
record name "$name"
record dtype "$dtype"
record infer_buffer_bytes "$(sed -n "s/^#define ${NAME}_INFER_BYTES *//p" "$G/$name.h")"
record scratch_header_bytes "$(sed -n "s/^#define ${NAME}_SCRATCH_BYTES *//p" "$G/$name.h")"

echo "cross: $name ($dtype) on Cortex-M4F (QEMU mps2-an386), against the same programs on the host"
status=0
for program in train infer ref empty; do
    # Semihosting output goes to QEMU's stderr; its stdout is the (unused) serial console.
    # shellcheck disable=SC2086
    if ! timeout $QEMU_TIMEOUT $QEMU -icount shift=0 -kernel "$T/$program.elf" \
        > "$T/$program.qemu.log" 2> "$T/$program.txt"; then
        tail -5 "$T/$program.txt"
        die "$program.elf failed under QEMU (output: $T/$program.txt)"
    fi
    [ "$program" = empty ] && continue
    "$H/$program" > "$H/$program.txt"
    printf '  %-6s host vs target: ' "$program"
    "$H/compare" "$H/$program.txt" "$T/$program.txt" $F32_TOLERANCE $F64_TOLERANCE || status=1
done

# The init is integer arithmetic and exact float steps for a float model (gradc_rng_normalf...):
# the same bits on the target as on the host, and the reference engine's own implementation of the
# draw agrees with the model's bit for bit. A double model's init uses libm's log and cos, which
# newlib and glibc may round differently: there only the host's two programs must agree exactly.
init_lines() {
    grep '^init ' "$1"
}
init_status=0
same_init() {
    init_lines "$1" > "$W/init.a"
    init_lines "$2" > "$W/init.b"
    if [ ! -s "$W/init.a" ] || ! cmp -s "$W/init.a" "$W/init.b"; then
        echo "  init: $1 and $2 differ:"
        diff "$W/init.a" "$W/init.b" | head -5
        init_status=1
    fi
}
same_init "$H/train.txt" "$H/ref.txt"
where="on the host"
if [ "$dtype" = float ]; then
    same_init "$H/train.txt" "$T/train.txt"
    same_init "$H/ref.txt" "$T/ref.txt"
    where="host and target"
fi
if [ $init_status -eq 0 ]; then
    echo "  init: $(init_lines "$H/train.txt" | wc -l) values, bit-identical in the model and the reference engine, $where"
else
    status=1
fi

# A float model must not need double precision (the M4F's FPU has none: every double operation is a
# call into software routines) nor libm's double functions, in either image: not in init, not in
# the train step (float libm, logf and the like, is fine). The symbols of the linked images, and the undefined references of <name>.c
# built for the host as a user would (-std=c99 -O2, the default dispatching build).
DOUBLE_SYMBOLS='^(__aeabi_(d[a-z0-9]*|f2d|i2d|ui2d|l2d|ul2d)|__ieee754_[a-z0-9_]*[^f]|__kernel_[a-z0-9_]*[^f]|cos|sin|tan|log|log1p|exp|expm1|pow|sqrt|tanh|atan)$'
if [ "$dtype" = float ]; then
    for program in train infer; do
        found=$(arm-none-eabi-nm "$T/$program.elf" | awk '{ print $NF }' | grep -E "$DOUBLE_SYMBOLS" | sort -u | tr '\n' ' ')
        if [ -n "$found" ]; then
            echo "  float model, double-precision or libm double symbols in $program.elf: $found"
            status=1
        fi
    done
    $HOST_CC -std=c99 -O2 -c "$G/$name.c" -o "$H/$name.o"
    found=$(nm -u "$H/$name.o" | awk '{ print $NF }' | grep -E "$DOUBLE_SYMBOLS" | sort -u | tr '\n' ' ')
    if [ -n "$found" ]; then
        echo "  float model, libm double functions referenced by $name.c built for the host: $found"
        status=1
    fi
fi

# ---- sizes and counts --------------------------------------------------------------------------
# Berkeley format: text (code + rodata, so the const weights), data, bss. Flash = text + data
# (the .data image is stored in flash), RAM = data + bss; stack and heap come on top.
size_of() {
    arm-none-eabi-size "$T/$1.elf" | awk 'NR == 2 { print $1 + $2, $2 + $3 }'
}
for program in train infer ref empty; do
    set -- $(size_of $program)
    record "${program}_flash" "$1"
    record "${program}_ram" "$2"
done
record train_instructions "$(info "$T/train.txt" train_step_instructions)"
record backward_instructions "$(info "$T/train.txt" backward_instructions)"
record train_stack "$(info "$T/train.txt" train_step_stack_bytes)"
record train_header_stack "$(info "$T/train.txt" train_step_stack_header_bytes)"
record backward_stack "$(info "$T/train.txt" backward_stack_bytes)"
record backward_header_stack "$(info "$T/train.txt" backward_stack_header_bytes)"
record infer_instructions "$(info "$T/infer.txt" infer_instructions)"
record infer_stack "$(info "$T/infer.txt" infer_stack_bytes)"
record infer_header_stack "$(info "$T/infer.txt" infer_stack_header_bytes)"
record ref_forward_instructions "$(info "$T/ref.txt" forward_instructions)"
record ref_train_instructions "$(info "$T/ref.txt" train_step_instructions)"
record ref_stack "$(info "$T/ref.txt" train_step_stack_bytes)"
record ref_heap "$(info "$T/ref.txt" heap_bytes)"
# No fused multiply-add in the model code (what makes the host comparison nearly exact).
record fused_ops "$(arm-none-eabi-objdump -d "$T/$name.o" "$T/${name}_weights.o" | grep -cE '\svf(n?m[as])\.' || true)"

get() {
    sed -n "s/^$1=//p" "$W/result.txt"
}
echo "  arm-none-eabi-size:"
(cd "$T" && arm-none-eabi-size infer.elf train.elf ref.elf empty.elf) | sed 's/^/    /'
row() {
    printf '  %-36s %7s %7s %7s %7s %7s %11s\n' "$@"
}
row "build: call" "flash B" "RAM B" "heap B" "stack B" "header" "instr/call"
row "inference-only: ${name}_infer" "$(get infer_flash)" "$(get infer_ram)" - "$(get infer_stack)" \
    "$(get infer_header_stack)" "$(get infer_instructions)"
row "training: ${name}_train_step" "$(get train_flash)" "$(get train_ram)" - "$(get train_stack)" \
    "$(get train_header_stack)" "$(get train_instructions)"
row "training: ${name}_backward" "" "" - "$(get backward_stack)" "$(get backward_header_stack)" \
    "$(get backward_instructions)"
row "reference engine: ref_forward, m=1" "$(get ref_flash)" "$(get ref_ram)" "$(get ref_heap)" "" \
    "" "$(get ref_forward_instructions)"
row "reference engine: ref_train_step" "" "" "" "$(get ref_stack)" "" "$(get ref_train_instructions)"
row "harness alone (startup, printing)" "$(get empty_flash)" "$(get empty_ram)"
echo "  flash = text + data, RAM = data + bss; stack: measured peak of one call, the measuring code's"
echo "  own frame not counted; header: the stack the header promises for the call (${NAME}_INFER_STACK_BYTES,"
echo "  ${NAME}_TRAIN_STEP_STACK_BYTES, ${NAME}_BACKWARD_STACK_BYTES), which no measurement may exceed."
echo "  fused multiply-adds in the model objects: $(get fused_ops)"
# A float model should not need double precision, which the M4F's FPU lacks: list where the model
# code calls the software routines (a double model calls them everywhere, and is not listed).
if [ "$dtype" = double ]; then
    echo "  double model: all its arithmetic is software-emulated on the M4F"
else
    arm-none-eabi-objdump -dr "$T/$name.o" "$T/${name}_weights.o" | awk '
        /^[0-9a-f]+ <.*>:$/ { fn = $2; gsub(/[<>:]/, "", fn) }
        /R_ARM_THM_(CALL|JUMP24)/ && $NF ~ /^(__aeabi_d|__aeabi_[ui]l?2d|pow$|exp$|log$|log1p$|tanh$|cos$|sqrt$)/ {
            if (!seen[fn, $NF]++) calls[fn] = calls[fn] " " $NF }
        END { for (fn in calls) printf "  float model, double-precision calls in %s:%s\n", fn, calls[fn] }' | sort
fi
# What the header promises about stack must hold: a claim that has gone stale fails here.
for call in infer train backward; do
    measured=$(get ${call}_stack)
    claimed=$(get ${call}_header_stack)
    if [ -z "$measured" ] || [ -z "$claimed" ] || [ "$measured" -gt "$claimed" ]; then
        echo "  $call: measured ${measured:-?} bytes of stack, more than the header's ${claimed:-?}"
        status=1
    fi
done
[ $status -eq 0 ] || die "$name: the target's results differ from the host's, or the checks above failed"
echo "cross: $name: OK"
