#!/bin/sh
# tests/install/check.sh "MAKE": what `make check-install` runs, from the project root.
#   1. make install into a temporary prefix: the files are where the README says;
#   2. the installed gradc runs from another folder, after the prefix is moved, and from a
#      DESTDIR-staged prefix; without its share/gradc it says so;
#   3. docs/examples/cmake/ (the quickstart) copied outside the checkout, configured with
#      CMAKE_PREFIX_PATH and strict warnings, built and run: it trains xor, then builds the WEIGHTS
#      model and checks its predictions;
#   4. what is regenerated: nothing on a second build, only the WEIGHTS model when the weights file
#      changes, both after a reinstall of gradc or when the spec is touched or edited
#      (the edit shows in the generated header);
#      the package also serves a Cortex-M4F cross build (toolchain file, gradc_DIR);
#   5. misuse fails at configure time with a message naming the problem;
#   6. QUANT int8 (when the installed gradc has --quant);
#   7. make uninstall leaves none of the installed files.
set -eu

make_cmd=$1
repo=$(pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/gradc-install.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
fail() {
    echo "check-install: $*" >&2
    exit 1
}
# Show a log and fail.
fail_log() {
    cat "$1" >&2
    shift
    fail "$@"
}

command -v cmake > /dev/null || fail "cmake is missing (make deps-test installs it: Debian cmake)"
version=$(sed -n 's/^return "\(.*\)"$/\1/p' gen/version.lua)
# a space in the path: every path the install and the package handle must be quoted
prefix="$work/install prefix"

# 1. make install
$make_cmd --no-print-directory install PREFIX="$prefix" > "$work/install.log" 2>&1 \
    || fail_log "$work/install.log" "make install PREFIX=$prefix failed"
for file in bin/gradc share/gradc/gen/gradc.lua share/gradc/gen/ops/dense.lua \
    share/gradc/templates/model.c.in share/gradc/templates/model_weights.c.in \
    share/gradc/runtime/gradc_rt.h lib/cmake/gradc/gradcConfig.cmake \
    lib/cmake/gradc/gradcConfigVersion.cmake; do
    test -f "$prefix/$file" || fail "make install did not write $file"
done
test -x "$prefix/bin/gradc" || fail "bin/gradc is not executable"
grep -q "PACKAGE_VERSION \"$version\"" "$prefix/lib/cmake/gradc/gradcConfigVersion.cmake" \
    || fail "gradcConfigVersion.cmake does not carry version $version"

# 2. The installed gradc from another folder: its output equals the checkout's generator's.
mkdir "$work/elsewhere"
cp specs/xor.lua "$work/elsewhere/net.lua"
(cd "$work/elsewhere" && "$prefix/bin/gradc" --out generated net.lua > gen.log 2>&1) \
    || fail_log "$work/elsewhere/gen.log" "the installed gradc failed from another folder"
gen/build/gradc --out "$work/reference" "$work/elsewhere/net.lua" > /dev/null
diff -r "$work/reference/xor" "$work/elsewhere/generated/xor" > "$work/diff.log" \
    || fail_log "$work/diff.log" "the installed gradc's output differs from gen/build/gradc's"
(cd "$work/elsewhere" && "$prefix/bin/gradc" --version) > "$work/version.txt"
test "$(cat "$work/version.txt")" = "gradc $version" || fail "gradc --version printed '$(cat "$work/version.txt")'"
(cd "$work/elsewhere" && "$prefix/bin/gradc" --help) > "$work/help.txt" || fail "gradc --help failed"
grep -q "^usage: gradc " "$work/help.txt" || fail "gradc --help printed no usage line"
if (cd "$work/elsewhere" && "$prefix/bin/gradc" --bogus net.lua) > "$work/out.txt" 2> "$work/err.txt"; then
    fail "gradc --bogus succeeded"
fi
grep -q "unknown option --bogus" "$work/err.txt" || fail "gradc --bogus: no message naming the option"
test ! -s "$work/out.txt" || fail "gradc --bogus wrote to stdout"

# A moved prefix still works (everything is found from the binary's own place) ...
mv "$prefix" "$work/moved"
(cd "$work/elsewhere" && "$work/moved/bin/gradc" --check net.lua > /dev/null) \
    || fail "gradc in a moved prefix failed"
# ... and without share/gradc it says what is missing instead of failing obscurely.
mv "$work/moved/share/gradc" "$work/moved/share/gradc.away"
if "$work/moved/bin/gradc" --check "$work/elsewhere/net.lua" > /dev/null 2> "$work/err.txt"; then
    fail "gradc without share/gradc succeeded"
fi
grep -q "cannot find the generator's files (gen/gradc.lua) in $work/moved/bin/../share/gradc" "$work/err.txt" \
    || fail_log "$work/err.txt" "gradc without share/gradc: unexpected message"
mv "$work/moved/share/gradc.away" "$work/moved/share/gradc"
# ... and in a folder whose name holds '?' and ';', which Lua's package.path would have read as its
# own syntax (the generator's modules were then not found).
mv "$work/moved" "$work/odd?name;here"
(cd "$work/elsewhere" && "$work/odd?name;here/bin/gradc" --check net.lua > /dev/null 2> "$work/err.txt") \
    || fail_log "$work/err.txt" "gradc in a prefix named odd?name;here failed"
mv "$work/odd?name;here" "$prefix"

# DESTDIR: staged under the given root, runnable from there.
$make_cmd --no-print-directory install DESTDIR="$work/stage" PREFIX=/opt/gradc > "$work/stage.log" 2>&1 \
    || fail_log "$work/stage.log" "make install DESTDIR= failed"
"$work/stage/opt/gradc/bin/gradc" --check "$work/elsewhere/net.lua" > /dev/null \
    || fail "gradc staged with DESTDIR does not run"
test -f "$work/stage/opt/gradc/lib/cmake/gradc/gradcConfig.cmake" || fail "DESTDIR: no CMake package"

# DESTDIR with a relative PREFIX is refused (it had installed into <DESTDIR>usr, the two joined).
if $make_cmd --no-print-directory install DESTDIR="$work/stage_rel" PREFIX=usr > "$work/stage_rel.log" 2>&1; then
    fail "make install DESTDIR=... PREFIX=usr succeeded"
fi
grep -q "with DESTDIR, PREFIX must be an absolute path" "$work/stage_rel.log" \
    || fail_log "$work/stage_rel.log" "make install DESTDIR=... PREFIX=usr: no message about the relative PREFIX"
[ ! -e "$work/stage_relusr" ] && [ ! -e "$work/stage_rel" ] || fail "make install DESTDIR=... PREFIX=usr wrote files"

# 3. The quickstart project, outside the checkout.
project=$work/project
build=$project/build
cp -R docs/examples/cmake "$project"
strict="-Wall -Wextra -Wpedantic -Wconversion -Wshadow -Werror"
(cd "$project" && cmake -S . -B build -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_C_FLAGS="$strict" \
    -DCMAKE_EXPORT_COMPILE_COMMANDS=ON) > "$work/configure.log" 2>&1 \
    || fail_log "$work/configure.log" "configuring the example project failed"
cmake --build "$build" > "$work/build.log" 2>&1 || fail_log "$work/build.log" "building the example project failed"
"$build/app" > "$work/app.txt" || fail_log "$work/app.txt" "the example app mispredicted"
for line in "0 xor 0 -> 0" "0 xor 1 -> 1" "1 xor 0 -> 1" "1 xor 1 -> 0"; do
    grep -q "^$line " "$work/app.txt" || fail_log "$work/app.txt" "the example app did not print '$line'"
done
model_dir=$build/gradc/xor_deployed/xor
for file in xor.h xor.c xor_io.c xor_weights.c xor_kernels.h gradc_rt.h; do
    test -f "$model_dir/$file" || fail "gradc_add_model did not generate $file in $model_dir"
done
grep -q "xor_weights.c.*-std=c99\|-std=c99.*xor_weights.c" "$build/compile_commands.json" \
    || fail "the generated code is not compiled as C99"
grep -q '"file": ".*/xor_model/xor/xor_io.c"' "$build/compile_commands.json" \
    || fail "xor_model: xor_io.c is not compiled (it is by default)"
if grep -q '"file": ".*/xor_deployed/xor/xor_io.c"' "$build/compile_commands.json"; then
    fail "xor_deployed: xor_io.c is compiled despite NO_IO"
fi

# 4. What is regenerated when. make's timestamps: a second apart, so no change hides in one tick.
generated_by() { # log: the targets gradc_add_model regenerated, sorted, one line
    sed -n 's/.*gradc: generating \([A-Za-z0-9_]*\) .*/\1/p' "$1" | sort | tr '\n' ' '
}
rebuild() { # step name: build again, run the app
    cmake --build "$build" > "$work/$1.log" 2>&1 || fail_log "$work/$1.log" "$1: the build failed"
    "$build/app" > "$work/app.txt" || fail_log "$work/app.txt" "$1: the example app mispredicted"
}
# expect_regenerated STEP MODELS WHEN: build again, run the app; gradc_add_model regenerated
# exactly MODELS (as generated_by prints them; "" for none).
expect_regenerated() {
    rebuild "$1"
    _regenerated=$(generated_by "$work/$1.log")
    test "$_regenerated" = "$2" \
        || fail "$1: $3, the build regenerated '$_regenerated' (expected '${2:-nothing}')"
}
expect_regenerated nothing_changed "" "with nothing changed"
sleep 1
touch "$build/xor.bin"
expect_regenerated weights_touched "xor_deployed " "after the weights changed"
sleep 1
touch "$project/xor.lua"
expect_regenerated spec_touched "xor_deployed xor_model " "after the spec was touched"
sleep 1
$make_cmd --no-print-directory install PREFIX="$prefix" > "$work/reinstall.log" 2>&1 \
    || fail_log "$work/reinstall.log" "make install over the installed gradc failed"
expect_regenerated gradc_reinstalled "xor_deployed xor_model " "after gradc was installed again"
# A build tree configured while share/gradc held a file that a later version no longer ships
# builds on once it is gone, as after a package upgrade that keeps the package file's date (the
# tree depends on the manifest, not on a list of the files).
sleep 1
printf 'return {}\n' > "$prefix/share/gradc/gen/retired.lua"
(cd "$project" && cmake -S . -B build) > "$work/reconfigure.log" 2>&1 \
    || fail_log "$work/reconfigure.log" "configuring again failed"
rm "$prefix/share/gradc/gen/retired.lua"
expect_regenerated module_retired "" "after a file the manifest does not list was removed"
grep -q "gen/dense.lua\|gen/ops/dense.lua" "$prefix/share/gradc/manifest.txt" \
    || fail "share/gradc/manifest.txt does not list the generator's modules"
sleep 1
sed 's/{ units = 4, activation = "tanh" }/{ units = 6, activation = "tanh" }/' "$project/xor.lua" > "$work/xor6.lua"
grep -q "units = 6" "$work/xor6.lua" || fail "could not edit the example spec (its hidden layer changed?)"
cp "$work/xor6.lua" "$project/xor.lua"
rebuild spec_edited
grep -q "2 -> 6" "$model_dir/xor.h" || fail "the edited spec (6 hidden units) is not in the generated header"

# The same package in a cross build for a Cortex-M4F, the way firmware projects use it: the
# toolchain file confines find_package to the target's root, so gradc_DIR points at the package;
# gradc runs on the build machine while the library is compiled for the target.
if command -v arm-none-eabi-gcc > /dev/null; then
    firmware=$work/firmware
    mkdir -p "$firmware"
    cp "$project/xor.lua" "$build/xor.bin" "$firmware/"
    cat > "$firmware/cortex-m4f.cmake" <<'CMAKE'
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_C_FLAGS_INIT "-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16")
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
CMAKE
    printf '%s\n' 'cmake_minimum_required(VERSION 3.15)' 'project(firmware C)' \
        'find_package(gradc REQUIRED)' 'gradc_add_model(net SPEC xor.lua WEIGHTS xor.bin NO_IO)' \
        > "$firmware/CMakeLists.txt"
    cmake -S "$firmware" -B "$firmware/build" -DCMAKE_TOOLCHAIN_FILE="$firmware/cortex-m4f.cmake" \
        -Dgradc_DIR="$prefix/lib/cmake/gradc" -DCMAKE_C_FLAGS="$strict" > "$work/firmware.log" 2>&1 \
        || fail_log "$work/firmware.log" "configuring the Cortex-M4F build failed"
    cmake --build "$firmware/build" > "$work/firmware_build.log" 2>&1 \
        || fail_log "$work/firmware_build.log" "the Cortex-M4F build failed"
    arm-none-eabi-nm "$firmware/build/libnet.a" > "$work/firmware_symbols.txt"
    grep -q " T xor_infer$" "$work/firmware_symbols.txt" || fail "the Cortex-M4F library has no xor_infer"
    arm-none-eabi-objdump -f "$firmware/build/libnet.a" | grep -q "elf32-littlearm" \
        || fail "the Cortex-M4F library is not an ARM archive"
else
    fail "arm-none-eabi-gcc is missing (make deps-test installs gcc-arm-none-eabi)"
fi

# 4b. find_package's version requests: this version, its major.minor, and ranges (CMake 3.19+)
# that hold it are accepted; a newer minor version, ranges that end before it or start after it
# are not (a range is taken as given, whatever the 0.x rule for plain requests says).
major=${version%%.*}
minor=${version#*.}
minor=${minor%%.*}
next_minor=$major.$((minor + 1))
find_version() { # request, expected (found or refused)
    mkdir -p "$work/version"
    printf 'cmake_minimum_required(VERSION 3.19)\nproject(version NONE)\nfind_package(gradc %s REQUIRED)\n' \
        "$1" > "$work/version/CMakeLists.txt"
    rm -rf "$work/version/build"
    if cmake -S "$work/version" -B "$work/version/build" -DCMAKE_PREFIX_PATH="$prefix" > "$work/version.log" 2>&1; then
        _got=found
    else
        _got=refused
    fi
    test "$_got" = "$2" || fail_log "$work/version.log" "find_package(gradc $1): $_got, expected $2"
}
find_version "$version" found
find_version "$major.$minor" found
find_version "$version EXACT" found
find_version "$next_minor" refused
find_version "0.0.1...$next_minor" found
find_version "$major.$minor...<$next_minor" found
find_version "0.0.1...<$version" refused
find_version "$next_minor...$major.$((minor + 2))" refused

# 5. Misuse: a bad spec and QUANT without WEIGHTS fail at configure time, with the reason.
misuse() { # name, the gradc_add_model line, the text the message must hold
    mkdir -p "$work/$1"
    cp "$project/xor.lua" "$work/$1/xor.lua"
    printf 'cmake_minimum_required(VERSION 3.15)\nproject(misuse C)\nfind_package(gradc REQUIRED)\n%s\n' \
        "$2" > "$work/$1/CMakeLists.txt"
    if cmake -S "$work/$1" -B "$work/$1/build" -DCMAKE_PREFIX_PATH="$prefix" > "$work/$1.log" 2>&1; then
        fail_log "$work/$1.log" "$1: configuring succeeded"
    fi
    grep -q "$3" "$work/$1.log" || fail_log "$work/$1.log" "$1: no message holding '$3'"
}
printf 'return { name = "bad", input = 2 }\n' > "$work/bad.lua"
misuse bad_spec "gradc_add_model(net SPEC $work/bad.lua)" "gradc_add_model(net): .*bad.lua"
misuse quant_without_weights "gradc_add_model(net SPEC xor.lua QUANT int8 CALIB c.csv)" \
    "QUANT int8 needs WEIGHTS"
# a ';' would split the path into two arguments of the generate command
misuse semicolon_in_path "gradc_add_model(net SPEC \"a;b.lua\")" "SPEC a;b.lua: a ';' in a path"
misuse empty_quant 'gradc_add_model(net SPEC xor.lua QUANT "")' "QUANT '': unknown scheme"
misuse empty_target 'gradc_add_model("" SPEC xor.lua)' "the library target's name, is empty"
# CMake refuses a '#' in a custom command's outputs, naming no file
mkdir -p "$work/hash#dir"
misuse "hash#dir/project" "gradc_add_model(net SPEC xor.lua)" "has a '#' in its path"

# 5b. A unity build under -Werror (<name>_io.c is compiled on its own: its _POSIX_C_SOURCE must
# come before any system header) and install(EXPORT) of a project whose library links a model.
unity=$work/unity
mkdir -p "$unity"
cp "$project/xor.lua" "$unity/xor.lua"
printf '%s\n' '#include "xor.h"' 'int main(void) { xor_params p; xor_init(&p, 1); return xor_save(&p, "w.bin") != 0; }' \
    > "$unity/main.c"
printf '%s\n' 'cmake_minimum_required(VERSION 3.16)' 'project(unity C)' 'find_package(gradc REQUIRED)' \
    'gradc_add_model(net SPEC xor.lua)' 'add_executable(app main.c)' 'target_link_libraries(app PRIVATE net)' \
    'install(TARGETS app net EXPORT unityTargets)' 'install(EXPORT unityTargets DESTINATION lib/cmake/unity)' \
    > "$unity/CMakeLists.txt"
cmake -S "$unity" -B "$unity/build" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_UNITY_BUILD=ON \
    -DCMAKE_C_FLAGS="$strict" > "$work/unity.log" 2>&1 || fail_log "$work/unity.log" "configuring the unity project failed"
cmake --build "$unity/build" > "$work/unity_build.log" 2>&1 || fail_log "$work/unity_build.log" "the unity build failed"
(cd "$unity" && build/app) || fail "the unity build's app failed"
cmake --install "$unity/build" --prefix "$unity/installed" > "$work/unity_install.log" 2>&1 \
    || fail_log "$work/unity_install.log" "installing the unity project failed"
test -f "$unity/installed/lib/cmake/unity/unityTargets.cmake" || fail "the unity project's export was not installed"

# 6. QUANT int8: the extra files are compiled into the library and the integer inference runs.
if grep -q -- "--quant" "$work/help.txt"; then
    sh "$repo/tests/install/check_quant.sh" "$prefix" "$project" "$work/quant" \
        || fail "the QUANT int8 build failed (see above)"
else
    echo "check-install: QUANT not checked: this gradc has no --quant option"
fi

# 7. make uninstall
$make_cmd --no-print-directory uninstall PREFIX="$prefix" > "$work/uninstall.log" 2>&1 \
    || fail_log "$work/uninstall.log" "make uninstall failed"
left=$(cd "$prefix" && find . -type f)
test -z "$left" || fail "make uninstall left: $left"

echo "check-install: installed, ran from elsewhere (moved, DESTDIR), built and ran the CMake example, regeneration and misuse checked, uninstalled"
