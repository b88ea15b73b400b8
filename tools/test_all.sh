#!/usr/bin/env bash
# Every test of the project, as CI runs it:
#   1. gcc build (-Werror) + ctest (unit, CLI incl. valgrind, writer incl. fault injection,
#      Python implementation, corpus regeneration and coverage, conformance, fuzz regressions)
#   2. clang ASan+UBSan build + ctest
#   3. 32-bit build (gcc -m32) + ctest
#   4. short libFuzzer runs of every harness + the OSS-Fuzz build.sh check
#   5. the main job (conformance report of our implementation, with the Python one beside it)
# Stops at the first failure.  FUZZ_SECONDS (default 60) sets the seconds per harness;
# SKIP_FUZZ=1 skips step 4.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/deps.sh all
jobs=$(nproc)

step() { printf '\n==== %s ====\n' "$*"; }

build_and_test() {
  local preset=$1; shift
  step "build + ctest: preset $preset $*"
  cmake --preset "$preset"
  cmake --build --preset "$preset" -j"$jobs"
  ctest --preset "$preset" -j"$jobs" --output-on-failure "$@"
}

# The Python-only tests (label "python") do not depend on the C build: run them once.
build_and_test default
build_and_test asan -LE python
build_and_test m32 -LE python

if [ "${SKIP_FUZZ:-0}" != 1 ]; then
  step "fuzzing: ${FUZZ_SECONDS:-60} s per libFuzzer harness, OSS-Fuzz build check"
  FUZZ_SECONDS=${FUZZ_SECONDS:-60} bash tools/fuzz.sh ci
  bash tools/fuzz.sh ossfuzz-check
fi

step "main job: conformance suite against our implementation"
python3 conformance/run.py --adapter "build/acepack adapter"
step "all tests passed"
