#!/bin/sh
# make check-q8: int8 inference end to end.
#   1. the scheme's arithmetic in Lua (test_scheme.lua) against hand values and independent formulas,
#      and split_scaled.lua on hand-made files of every data format make train reads; the
#      ARMv7E-M DSP kernels' streams and instructions (test_pairs.lua) against TFLite's arithmetic;
#   2. weights: digits and digits_cnn trained for a few epochs with make train, the tests/q8 nets
#      (every layer kind and activation) trained 30 steps on pseudo-random data;
#   3. every model generated with --quant int8, its <name>_q8.c and <name>_qinfer.c compiled
#      warning-free (gcc, clang; C99 strict; -O0, -O2) and as C++ (g++, clang++ -O2),
#      with no heap symbol; the dot product's AVX2, AVX-512 VNNI and Cortex-M4 (SMLAD) paths
#      compiled strict for their targets, each object holding its instruction;
#   4. integer only: every <name>_q8.c built for a Cortex-M0 (soft float) references no float or
#      double helper (__aeabi_f*, __aeabi_d*, conversions) and no libm function, and a file with
#      one float operation is caught by the same check;
#   5. the generated requantization helpers against independent arithmetic (test_helpers.c);
#   6. accuracy: digits and digits_cnn, net_qinfer's held-out accuracy within 1 point of the
#      float model's (under ASan and UBSan);
#   7. error bound: on the calibration rows, every output of net_qinfer within the bound that
#      error_bound.py derives for the dense nets (digits, q8_mlp): the exact effect of quantizing
#      weights, biases and input, plus half a step per requantization carried through |W^|; the
#      measured differences of the other nets are printed; and for the same two, net_qinfer equal
#      bit for bit to the scheme simulated from its text in numpy (simulate_dense.py);
#   8. bad input (bad_input.sh).
#   check.sh "MAKE" GRADC CC
set -eu
make=$1
gradc=$2
cc=$3
B=tests/build/q8
STRICT="-std=c99 -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Werror"
# -fno-var-tracking: see tests/checks.mk (compile time of sanitized generated code)
SANITIZE="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -fno-var-tracking"
rm -rf "$B" && mkdir -p "$B"

echo "check-q8: scheme arithmetic"
lua5.4 tests/q8/test_scheme.lua
echo "check-q8: the ARMv7E-M DSP kernels' streams and instruction sequences (gen/q8/pairs.lua)"
lua5.4 tests/q8/test_pairs.lua
echo "check-q8: split_scaled.lua on the data formats make train reads"
sh tests/q8/test_split_scaled.sh

upper() { echo "$1" | tr a-z A-Z; }

# 2. weights and calibration data. digits without its standardize = true: the error bound and the
# numpy simulation below read a plain dense net's weights, and take the training split standardized
# by split_scaled.lua (check-q8-ref checks the standardized digits bit for bit).
mkdir -p $B/specs
grep -v '^ *standardize = true,' specs/digits.lua > $B/specs/digits.lua
$make --no-print-directory -s train SPEC=$B/specs/digits.lua DATA=data/digits.csv EPOCHS=20 OUT=$B/trained \
    TRAIN_BUILD=$B/train-build > $B/train-digits.log 2>&1 || { tail $B/train-digits.log; exit 1; }
$make --no-print-directory -s train SPEC=specs/digits_cnn.lua DATA=data/digits.csv EPOCHS=10 OUT=$B/trained \
    TRAIN_BUILD=$B/train-build > $B/train-digits_cnn.log 2>&1 || { tail $B/train-digits_cnn.log; exit 1; }
for m in digits digits_cnn; do
    mkdir -p $B/data/$m
    # digits_cnn calibrates on 300 training rows: the Lua calibration of a conv net takes ~10 ms a row
    lua5.4 tests/q8/split_scaled.lua data/digits.csv $B/trained/$m/$m.scale $B/trained/$m/split.csv $B/data/$m \
        $([ $m = digits_cnn ] && echo 300)
    cp $B/trained/$m/$m.bin $B/$m.bin
done
RANDOM_MODELS="q8_dense q8_mlp q8_conv1d q8_conv2d q8_tiny softmax"
for m in $RANDOM_MODELS; do
    spec=tests/q8/specs/$m.lua
    [ -f "$spec" ] || spec=specs/$m.lua
    "$gradc" --out $B/gen "$spec" > /dev/null
    $cc -O1 -DNET=$m -DNET_UPPER=$(upper $m) -I$B/gen/$m -include $m.h tests/q8/make_weights.c \
        $B/gen/$m/$m.c $B/gen/$m/${m}_io.c -o $B/make_weights_$m -lm
    $B/make_weights_$m $B/$m.bin
    inputs=$(sed -n "s/^#define $(upper $m)_INPUTS *\([0-9]*\).*/\1/p" $B/gen/$m/$m.h)
    mkdir -p $B/data/$m
    lua5.4 tests/q8/random_rows.lua 300 "$inputs" 1 > $B/data/$m/calib.csv
    cp $B/data/$m/calib.csv $B/${m}_calib.csv
done
$cc -O1 -I$B/gen/q8_tiny tests/q8/make_bad_weights.c $B/gen/q8_tiny/q8_tiny_io.c -o $B/make_bad_weights -lm
$B/make_bad_weights $B/q8_tiny_tiny.bin $B/q8_tiny_zero.bin $B/q8_tiny_two.bin $B/q8_tiny_one.bin

# 3. generate and compile
MODELS="digits digits_cnn q8_dense q8_mlp q8_conv1d q8_conv2d q8_tiny"
count=0
for m in $MODELS; do
    spec=tests/q8/specs/$m.lua
    [ -f "$spec" ] || spec=$B/specs/$m.lua
    [ -f "$spec" ] || spec=specs/$m.lua
    "$gradc" --out $B/deploy --weights $B/$m.bin --quant int8 --calib $B/data/$m/calib.csv "$spec" > /dev/null
    for src in $B/deploy/$m/${m}_q8.c $B/deploy/$m/${m}_qinfer.c; do
        for c in gcc clang; do for opt in -O0 -O2; do
            $c $STRICT $opt -c "$src" -o $B/strict.o
            if nm -u $B/strict.o | grep -Ew '(malloc|calloc|realloc|free|aligned_alloc)$'; then
                echo "check-q8: $src references the heap"; exit 1
            fi
            count=$((count + 1))
        done; done
        for cxx in g++ clang++; do
            $cxx -x c++ -Wall -Wextra -Werror -O2 -c "$src" -o $B/cxx.o
            count=$((count + 1))
        done
    done
done
lua5.4 tests/text/check_text.lua $B/deploy/*/*_q8.c $B/deploy/*/*_qinfer.c
echo "check-q8: $count compiles of the int8 files (gcc, clang -std=c99 strict at -O0 and -O2; g++, clang++) warning-free, no heap symbols"

# 3b. the dot product's fast paths, compiled strict for their targets (compiling needs no such
# CPU; check-q8-ref runs them): each object must hold the path's instruction, so a feature macro
# that stopped selecting it fails here. AVX2: VPMADDWD, and VPHADDD, the reduction of the
# eight-row kernel (gen/q8/x86.lua); AVX-512 VNNI: VPDPBUSD; Cortex-M4 (DSP): SMLAD, at -O2 and
# -Os. The plain -O2 x86-64 build holds the dispatched AVX2 copies and no VNNI; with
# GRADC_NO_DISPATCH it holds none of these x86 instructions.
# holds OBJECT OBJDUMP MNEMONIC: OBJECT's code contains MNEMONIC.
holds() { "$2" -d "$1" | grep -Eqw "$3"; }
M4_FLAGS="-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16"
paths=0
for m in digits digits_cnn; do # both have dot products of 64 and more (VNNI's step), the others less
    src=$B/deploy/$m/${m}_q8.c
    for c in gcc clang; do
        $c $STRICT -O2 -march=x86-64-v3 -c "$src" -o $B/avx2.o
        holds $B/avx2.o objdump vpmaddwd || { echo "check-q8: $src: no AVX2 dot product under $c -march=x86-64-v3"; exit 1; }
        holds $B/avx2.o objdump vphaddd || { echo "check-q8: $src: no eight-row AVX2 kernel under $c -march=x86-64-v3"; exit 1; }
        ! holds $B/avx2.o objdump vpdpbusd || { echo "check-q8: $src: VNNI without VNNI ($c)"; exit 1; }
        $c $STRICT -O2 -march=x86-64-v4 -mavx512vnni -c "$src" -o $B/vnni.o
        holds $B/vnni.o objdump vpdpbusd || { echo "check-q8: $src: no VNNI dot product under $c -mavx512vnni"; exit 1; }
        $c $STRICT -O2 -c "$src" -o $B/dispatch.o
        holds $B/dispatch.o objdump vpmaddwd || { echo "check-q8: $src: no dispatched AVX2 dot product in the plain -O2 build ($c)"; exit 1; }
        holds $B/dispatch.o objdump vphaddd || { echo "check-q8: $src: no dispatched eight-row AVX2 kernel in the plain -O2 build ($c)"; exit 1; }
        ! holds $B/dispatch.o objdump vpdpbusd || { echo "check-q8: $src: VNNI in the plain -O2 build ($c)"; exit 1; }
        $c $STRICT -O2 -DGRADC_NO_DISPATCH -c "$src" -o $B/plain.o
        ! holds $B/plain.o objdump 'vpmaddwd|vphaddd|vpdpbusd' || { echo "check-q8: $src: vector code in the -DGRADC_NO_DISPATCH build ($c)"; exit 1; }
        paths=$((paths + 4))
    done
    for cxx in g++ clang++; do
        for arch in "-march=x86-64-v3" "-march=x86-64-v4 -mavx512vnni"; do
            $cxx -x c++ -Wall -Wextra -Werror -O2 $arch -c "$src" -o $B/cxx.o
            paths=$((paths + 1))
        done
    done
    for opt in -O2 -Os; do
        arm-none-eabi-gcc $M4_FLAGS $opt $STRICT -I$B/deploy/$m -c "$src" -o $B/m4_$m.o
        holds $B/m4_$m.o arm-none-eabi-objdump smlad || { echo "check-q8: $src: no SMLAD on the Cortex-M4 ($opt)"; exit 1; }
        paths=$((paths + 1))
    done
    arm-none-eabi-g++ -x c++ $M4_FLAGS -O2 -Wall -Wextra -Werror -I$B/deploy/$m -c "$src" -o $B/m4_cxx.o
    if [ -d /usr/lib/arm-none-eabi/include ]; then # clang for the M4, with newlib's headers
        clang --target=thumbv7em-none-eabihf $M4_FLAGS -O2 $STRICT -isystem /usr/lib/arm-none-eabi/include \
            -I$B/deploy/$m -c "$src" -o $B/m4_clang.o
        holds $B/m4_clang.o arm-none-eabi-objdump smlad || { echo "check-q8: $src: no SMLAD from clang for the M4"; exit 1; }
        paths=$((paths + 1))
    fi
    arm-none-eabi-gcc -mcpu=cortex-m0 -mthumb -mfloat-abi=soft -O2 $STRICT -I$B/deploy/$m -c "$src" -o $B/m0_plain.o
    ! holds $B/m0_plain.o arm-none-eabi-objdump smlad || { echo "check-q8: $src: SMLAD on the Cortex-M0"; exit 1; }
    paths=$((paths + 2))
done
echo "check-q8: $paths compiles of the dot product's paths (AVX2, AVX-512 VNNI, dispatched AVX2, plain: gcc, clang, C++; Cortex-M4 SMLAD at -O2, -Os, C++, clang; none on the M0), each holding its instruction"

# 4. integer only on a Cortex-M0
# float_references OBJECT: the floating-point helpers and libm functions OBJECT calls.
float_references() {
    arm-none-eabi-nm -u "$1" | awk '{print $NF}' | grep -E \
        '^(__aeabi_[fd].*|__aeabi_.*2[fd]|__aeabi_.*2[fd]z|__.*[sd]f[23]|__.*[sd]f[23]i|(sin|cos|tan|asin|acos|atan|atan2|sinh|cosh|tanh|exp|exp2|expm1|log|log2|log10|log1p|pow|sqrt|cbrt|hypot|fabs|floor|ceil|round|lround|llround|trunc|rint|lrint|nearbyint|fmod|remainder|frexp|ldexp|modf|fmin|fmax|fma)[fl]?)$' || true
}
M0_FLAGS="-mcpu=cortex-m0 -mthumb -mfloat-abi=soft -O2 $STRICT"
for m in $MODELS; do
    arm-none-eabi-gcc $M0_FLAGS -I$B/deploy/$m -c $B/deploy/$m/${m}_q8.c -o $B/m0_$m.o
    found=$(float_references $B/m0_$m.o)
    if [ -n "$found" ]; then
        echo "check-q8: ${m}_q8.c uses floating point on the Cortex-M0: $found"; exit 1
    fi
done
printf '#include <math.h>\nint halve(int x) { return (int)((float)x * 0.5f); }\ndouble root(double x) { return sqrt(x); }\n' > $B/float_op.c
arm-none-eabi-gcc $M0_FLAGS -c $B/float_op.c -o $B/m0_float_op.o
found=$(float_references $B/m0_float_op.o | tr '\n' ' ')
case $found in
    *__aeabi_f*sqrt*|*sqrt*__aeabi_f*) ;;
    *) echo "check-q8: the float check missed the float operations of float_op.c (found: '$found')"; exit 1 ;;
esac
# the qinfer wrapper is float by design: the check sees it
arm-none-eabi-gcc $M0_FLAGS -I$B/deploy/digits -c $B/deploy/digits/digits_qinfer.c -o $B/m0_qinfer.o
[ -n "$(float_references $B/m0_qinfer.o)" ] || { echo "check-q8: the float check missed digits_qinfer.c's doubles"; exit 1; }
echo "check-q8: $(echo $MODELS | wc -w) <name>_q8.c integer-only on a Cortex-M0 (no __aeabi_f*/__aeabi_d*, no libm); the check catches $found"

# 5. the generated helpers: each model's file holds the ones its layers call (the general
# requantization, or the short form where every channel shifts right with a bounded accumulator);
# between them the models must hold every helper, or a helper would go untested
# (q8_saturate: hand-made weights and rows whose multiplier needs a left shift, so the general form)
"$gradc" --out $B/gen tests/q8/ref_specs/q8_saturate.lua > /dev/null
$cc -std=c99 -O1 -I$B/gen/q8_saturate tests/q8/saturate_weights.c $B/gen/q8_saturate/q8_saturate_io.c \
    -o $B/saturate_weights -lm
$B/saturate_weights $B/q8_saturate.bin
printf '16646143.75,16646143.75\n-16646143.75,-16646143.75\n' > $B/q8_saturate_calib.csv
"$gradc" --out $B/deploy --weights $B/q8_saturate.bin --quant int8 --calib $B/q8_saturate_calib.csv \
    tests/q8/ref_specs/q8_saturate.lua > /dev/null
tested=""
for m in $MODELS q8_saturate; do
    src=$B/deploy/$m/${m}_q8.c
    flags=""
    for helper in requantize scale offset average; do
        if grep -q "^static [a-z0-9_ ]*${m}_q8_${helper}(" "$src"; then
            flags="$flags -DHAS_$(upper $helper)"
            tested="$tested $helper"
        fi
    done
    $cc -std=c99 -O1 -g $SANITIZE -Wall -Wextra -Wno-unused-function -DNET=$m $flags \
        -DQ8_SOURCE="\"$(pwd)/$src\"" -I$B/deploy/$m tests/q8/test_helpers.c -o $B/test_helpers_$m
    printf '%s (%s): ' "$m" "$(echo $flags | sed 's/-DHAS_//g')"
    $B/test_helpers_$m
done
for helper in requantize scale offset average; do
    case " $tested " in
        *" $helper "*) ;;
        *) echo "check-q8: no model's ${helper} helper was tested"; exit 1 ;;
    esac
done

# 6. accuracy, and 7. the differences (compare.c under ASan and UBSan)
COMPARED="digits digits_cnn q8_mlp q8_dense q8_conv1d q8_conv2d"
for m in $COMPARED; do
    d=$B/deploy/$m
    $cc -O1 -g $SANITIZE -DNET=$m -DNET_UPPER=$(upper $m) -I$d -include $m.h \
        tests/q8/compare.c $d/${m}_weights.c $d/${m}_q8.c $d/${m}_qinfer.c -o $B/compare_$m -lm
done
for m in digits digits_cnn; do
    line=$($B/compare_$m $B/data/$m/val.csv --labels)
    echo "check-q8: $m held-out: $line"
    echo "$line" | awk '{ d = $4 - $6; if (d < 0) d = -d; if (d > 1.0) { print "check-q8: int8 accuracy more than 1 point from float"; exit 1 } }'
done
for m in digits q8_mlp; do
    $B/compare_$m $B/data/$m/calib.csv --dump $B/dump_$m.txt > /dev/null
done
for check in simulate_dense error_bound; do
    /usr/bin/python3 tests/q8/$check.py $B digits 64:32:relu,32:10:softmax
    /usr/bin/python3 tests/q8/$check.py $B q8_mlp 5:16:relu,16:12:linear,12:3:relu
done
for m in q8_dense q8_conv1d q8_conv2d; do
    echo "check-q8: $m on its calibration rows: $($B/compare_$m $B/data/$m/calib.csv)"
done

# 8. bad input
sh tests/q8/bad_input.sh "$gradc" $B
