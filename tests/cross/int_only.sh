#!/bin/sh
# tests/cross/int_only.sh FILE...: fail (listing them) when the Cortex-M0 objects or images FILE
# reference or hold a floating-point routine or anything of libm: libgcc's soft-float helpers
# (__aeabi_fadd, __aeabi_dmul, __aeabi_i2f, ...) or any symbol the M0 multilib's libm.a defines.
# Integer helpers (__aeabi_idiv, __aeabi_lmul, ...) are fine. An object is judged by its undefined
# references, an image by every symbol it holds. For the int8 build (make cross), where the scheme
# promises no floating-point operation in net_q8_infer.
set -eu
[ $# -gt 0 ] || { echo "usage: int_only.sh FILE..." >&2; exit 2; }
M0_FLAGS="-mcpu=cortex-m0 -mthumb -mfloat-abi=soft"
SOFT_FLOAT_SYMBOLS='^__aeabi_(f|d|[ui]2[fd]$|u?l2[fd]$)'
# shellcheck disable=SC2086
libm=$(arm-none-eabi-gcc $M0_FLAGS -print-file-name=libm.a)
tmp=${TMPDIR:-/tmp}/int_only.$$
trap 'rm -f "$tmp".libm "$tmp".symbols' EXIT
arm-none-eabi-nm -g --defined-only "$libm" 2> /dev/null | awk 'NF == 3 { print $3 }' | sort -u > "$tmp.libm"
[ -s "$tmp.libm" ] || { echo "int_only.sh: no symbols in the Cortex-M0 libm ($libm)" >&2; exit 2; }
status=0
for file in "$@"; do
    case $file in
    *.o) arm-none-eabi-nm -u "$file" ;;
    *) arm-none-eabi-nm "$file" ;;
    esac | awk '{ print $NF }' | sort -u > "$tmp.symbols"
    found=$( { grep -E "$SOFT_FLOAT_SYMBOLS" "$tmp.symbols" || true; grep -Fxf "$tmp.libm" "$tmp.symbols" || true; } \
        | sort -u | tr '\n' ' ')
    if [ -n "$found" ]; then
        echo "  $file: floating-point or libm routines: $found"
        status=1
    fi
done
exit $status
