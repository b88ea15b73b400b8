#!/bin/bash -eu
# OSS-Fuzz build script of libacepack (projects/libacepack/build.sh style).
# Runs in the project's checkout ($SRC/libacepack) with OSS-Fuzz's variables:
# $CC $CXX $CFLAGS $CXXFLAGS (sanitizer + -fsanitize=fuzzer-no-link or the
# engine's instrumentation), $LIB_FUZZING_ENGINE, $OUT, $WORK, $SRC.
# It never assumes libFuzzer: fuzz/CMakeLists.txt's "ossfuzz" engine links
# $LIB_FUZZING_ENGINE with $CXX.  Also used by .clusterfuzzlite/build.sh and
# checked locally by `tools/fuzz.sh ossfuzz-check`.

cmake -S . -B "$WORK/build" \
    -DACEPACK_BUILD_FUZZERS=ON -DACEPACK_FUZZ_ENGINE=ossfuzz \
    -DACEPACK_BUILD_TESTS=OFF -DACEPACK_BUILD_TOOLS=OFF -DACEPACK_BUILD_SHARED=OFF \
    -DACEPACK_WERROR=OFF
cmake --build "$WORK/build" -j"$(nproc)"

# Every fuzzing binary (names are [A-Za-z0-9_-]: fuzz_header, fuzz_index, ...).
found=0
for f in "$WORK"/build/fuzz/fuzz_*; do
    if [ -f "$f" ] && [ -x "$f" ]; then
        cp "$f" "$OUT/"
        found=$((found + 1))
    fi
done
[ "$found" -gt 0 ] || { echo "build.sh: no fuzzer was built" >&2; exit 1; }

# <fuzzer>.dict, <fuzzer>.options and <fuzzer>_seed_corpus.zip beside them.
python3 fuzz/make_assets.py --out "$OUT" --zip
