#!/bin/sh
# tests/cross/rv_symbols.sh MODE ARCH FILE...: fail (listing them) when the RISC-V objects or images
# FILE, built for ARCH (rv32imf or rv32imac), reference or hold floating-point code they must not:
#   no-double  no double (or quad) precision: none of libgcc's software routines for double, quad
#              or their complex types (__adddf3, __extendsfdf2, __floatsidf, __multf3, ...) and no
#              libm double function, that is a function of picolibc's libm whose float twin (the
#              same name with an f appended: exp / expf, __math_oflow / __math_oflowf) is there
#              too. For a float model's images: rv32imf has no double-precision instructions, so
#              any double arithmetic would be one of these calls.
#   int-only   no floating point at all: none of libgcc's software floating-point routines (any
#              type: __addsf3, __mulsf3, __floatsisf, __adddf3, ...) and nothing of libm. For the
#              int8 build on rv32imac, where the scheme promises no floating-point operation.
# libgcc's routines are told by the type in their names (sf, df, tf and the complex sc, dc, tc:
# matched against every symbol libgcc.a defines, its integer helpers such as __mulsi3 or __udivdi3
# are not); libm's functions are the symbols defined by the libm members of the picolibc libc.a
# that ARCH links with (picolibc has libm inside libc.a). An object is judged by its undefined
# references, an image by every symbol it holds. RV_SYMBOLS_ALLOW="SYMBOL ...": symbols let
# through (for the images: the double code picolibc's own float functions hold; see cross.sh).
set -eu
usage() {
    echo "usage: rv_symbols.sh no-double|int-only rv32imf|rv32imac FILE..." >&2
    exit 2
}
[ $# -ge 3 ] || usage
mode=$1
target=$2
case $target in
rv32imf) arch="-march=rv32imf -mabi=ilp32f" ;;
rv32imac) arch="-march=rv32imac -mabi=ilp32" ;;
*) usage ;;
esac
shift 2
case $mode in
no-double) SOFT_ROUTINES='^__[a-z]*(df|tf|dc|tc)[a-z]*[0-9]?$' ;;
int-only) SOFT_ROUTINES='^__[a-z]*(sf|df|tf|sc|dc|tc)[a-z]*[0-9]?$' ;;
*) usage ;;
esac
tmp=${TMPDIR:-/tmp}/rv_symbols.$$
trap 'rm -f "$tmp".*' EXIT

banned=$tmp.banned
# RV_SYMBOLS_CACHE=DIR: keep the list of banned symbols there, per mode and ARCH, and reuse it
# (make check-cross's runs each use a fresh folder: reading libc.a is the slow part).
if [ -n "${RV_SYMBOLS_CACHE:-}" ]; then
    banned=$RV_SYMBOLS_CACHE/rv_symbols.$mode.$target
fi
if [ ! -s "$banned" ]; then
    # The libc.a the linker takes for ARCH (asked of the linker itself, not guessed from a path).
    printf 'int main(void) { return 0; }\n' > "$tmp.c"
    # shellcheck disable=SC2086
    libc=$(riscv64-unknown-elf-gcc --specs=picolibc.specs $arch -nostartfiles -Wl,--trace "$tmp.c" \
        -o "$tmp.elf" 2>&1 | grep '/libc\.a$' | head -1)
    [ -f "$libc" ] || { echo "rv_symbols.sh: no picolibc libc.a for $target (picolibc-riscv64-unknown-elf)" >&2; exit 2; }
    riscv64-unknown-elf-nm -A -g --defined-only "$libc" 2> /dev/null | awk -F: '$2 ~ /^libm_/ { print $NF }' \
        | awk 'NF == 3 { print $3 }' | sort -u > "$tmp.libm"
    [ -s "$tmp.libm" ] || { echo "rv_symbols.sh: no libm functions in $libc" >&2; exit 2; }
    if [ "$mode" = no-double ]; then
        # x is a double function when xf is there too.
        sed 's/$/f/' "$tmp.libm" | grep -Fxf - "$tmp.libm" | sed 's/f$//' > "$tmp.list"
    else
        cp "$tmp.libm" "$tmp.list"
    fi
    # shellcheck disable=SC2086
    libgcc=$(riscv64-unknown-elf-gcc $arch -print-libgcc-file-name)
    riscv64-unknown-elf-nm -g --defined-only "$libgcc" | awk 'NF == 3 { print $3 }' \
        | grep -E "$SOFT_ROUTINES" >> "$tmp.list" || true
    sort -u "$tmp.list" > "$tmp.sorted"
    mv "$tmp.sorted" "$banned"
fi

# shellcheck disable=SC2086
printf '%s\n' ${RV_SYMBOLS_ALLOW:-} > "$tmp.allowed"
status=0
for file in "$@"; do
    case $file in
    *.o) riscv64-unknown-elf-nm -u "$file" ;;
    *) riscv64-unknown-elf-nm "$file" ;;
    esac | awk '{ print $NF }' | sort -u > "$tmp.symbols"
    found=$(grep -Fxf "$banned" "$tmp.symbols" | grep -vFx -f "$tmp.allowed" | tr '\n' ' ' || true)
    if [ -n "$found" ]; then
        case $mode in
        no-double) echo "  $file: double-precision or libm double routines: $found" ;;
        int-only) echo "  $file: floating-point or libm routines: $found" ;;
        esac
        status=1
    fi
done
exit $status
