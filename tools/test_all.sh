#!/usr/bin/env bash
# Every test of the project, as CI runs it:
#   1. gcc build (-Werror) + ctest (unit, CLI incl. valgrind, writer incl. fault injection,
#      Python implementation, corpus regeneration and coverage, conformance of both
#      implementations + the writer x reader matrix + the runner's self-test, fuzz regressions)
#   2. clang ASan+UBSan build + ctest, without the tests that do not exercise C code under the
#      sanitizers (label python: they ran in step 1 and would only repeat)
#   3. 32-bit build (gcc -m32, UBSan) + ctest, likewise (incl. the fuzz regressions -m32)
#   4. the OSS-Fuzz build.sh check + short libFuzzer runs of every harness (ASan+UBSan, the
#      same binaries), the MemorySanitizer build on the regression corpora, the i386 build
#   5. WP proofs of the bounds helpers; Eva on every driver of tools/prove.sh, each at its
#      CI window of sizes (`tools/prove.sh --ci`), with the staleness check of the list
# Stops at the first failure and prints the seconds of every step at the end: wall-clock and
# CPU (user+sys of everything the step ran), so that a run on a busy machine still says what
# each step costs.  tools/test_busy.sh runs this script with two busy loops beside it.
#
# Time budget: <= 10 min on a quiet 2-core machine. Room is planned for the steps other work
# adds (a WebAssembly test ~1 min, a Frama-C proof ~2-3 min, a mutation sample ~2-3 min, a
# short --generate run): add them with `step_run NAME COMMAND...` below.
#
# FUZZ_SECONDS (default 4) sets the seconds per libFuzzer harness: CI runs a smoke test (the
# regression corpora, the part that must always run, are replayed by the ctest label fuzz in
# steps 1-3, under ASan+UBSan in step 2); a real campaign is `FUZZ_SECONDS=600 bash
# tools/fuzz.sh ci` (or tools/fuzz.sh run, see fuzz/README.md). SKIP_FUZZ=1 skips step 4.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/deps.sh all
jobs=$(nproc)
times=()

step() { printf '\n==== %s ====\n' "$*"; }

# cpu_now: CPU_NOW = CPU seconds (user+sys) of every finished child of this shell so far, from
# the builtin `times` (run in this shell: in a $(...) subshell it would count nothing).
cpu_file=$(mktemp)
trap 'rm -f "$cpu_file"' EXIT
cpu_now() {
  times >"$cpu_file"
  CPU_NOW=$(awk 'NR == 2 { s = 0
    for (i = 1; i <= NF; i++) { split($i, p, "m"); sub("s", "", p[2]); s += p[1] * 60 + p[2] }
    printf "%d", s }' "$cpu_file")
}

# step_run NAME COMMAND...: one timed step (wall-clock and CPU seconds).
step_run() {
  local name=$1 start=$SECONDS cpu; shift
  step "$name"
  cpu_now
  cpu=$CPU_NOW
  "$@"
  cpu_now
  times+=("$(printf '%5d s %5d s CPU  %s' $((SECONDS - start)) $((CPU_NOW - cpu)) "$name")")
}

build_and_test() {
  local preset=$1; shift
  cmake --preset "$preset"
  cmake --build --preset "$preset" -j"$jobs"
  ctest --preset "$preset" -j"$jobs" --output-on-failure "$@"
}

step_run "build + ctest: default (gcc)" build_and_test default
# The Python-only tests (label "python") do not depend on the C build: run them once.
step_run "build + ctest: asan (clang ASan+UBSan)" build_and_test asan -LE python
# A kernel without ia32 emulation (this project's CI VMs) runs the 32-bit tests under
# qemu-i386 (tools/i386_exec.sh registers it), where every process start costs ~0.1 s of
# CPU: there the 32-bit build runs the library's own tests (unit, writer, fuzz regressions,
# the conformance suite through the adapter) and leaves out valgrind and the tests that
# start the CLI hundreds of times (run natively in steps 1 and 2).
# There it also leaves out the writer's fault-injection (incl. the checksums sweep) and
# 10,000-commit growth tests (a
# minute of emulated CPU; natively they run in steps 1 and 2, and the writer's 32-bit
# arithmetic runs here in write.build/store/migrate/roundtrip and conformance.c).
m32_args=(-LE python)
if [ "$(bash tools/i386_exec.sh)" != native ]; then
  m32_args=(-LE 'python|valgrind|bench' -E '^(cli\.|write\.cli|write\.harden\.|write\.faults(\.checksums)?$|write\.growth$)')
fi
step_run "build + ctest: m32 (gcc -m32, UBSan)" build_and_test m32 "${m32_args[@]}"

if [ "${SKIP_FUZZ:-0}" != 1 ]; then
  # One ASan+UBSan libFuzzer build for both: the OSS-Fuzz check builds the harnesses with
  # fuzz/oss-fuzz/build.sh (ASan+UBSan flags) and runs their seeds, then the smoke fuzzes
  # those binaries with their .dict/.options/seeds, $jobs harnesses at a time.
  step_run "OSS-Fuzz build check (ASan+UBSan)" env FUZZ_PARALLEL="$jobs" bash tools/fuzz.sh ossfuzz-check
  step_run "fuzzing: ${FUZZ_SECONDS:-4} s per libFuzzer harness, $jobs at a time" \
    env FUZZ_SECONDS="${FUZZ_SECONDS:-4}" FUZZ_BUILD=ossfuzz FUZZ_PARALLEL="$jobs" \
    bash tools/fuzz.sh smoke
  # As OSS-Fuzz builds them (project.yaml): regression corpora only, no fuzzing.
  step_run "fuzz harnesses under MemorySanitizer" bash tools/fuzz.sh msan
  # On a kernel without ia32 emulation only compiled (clang -m32 -Werror): ASan does not
  # start under qemu-i386.  The regression corpora -m32 under UBSan are replayed by the
  # ctest label fuzz of step 3 (the m32 preset has UBSan; tools/fuzz.sh i386-regress is
  # the same with clang).
  step_run "fuzz harnesses for i386" bash tools/fuzz.sh i386
fi

# Proofs: WP on the bounds helpers, then every Eva driver (all 15 of tools/prove.sh),
# each at its window of sizes in tools/prove.sh's CI_SET (why each: tools/prove/README.md,
# "Session 7 runs"): open_strict 0..128 (v1 files, the v2 header), text 0..64, keys 0..8
# (bodies up to 7 bytes: \uXXXX), v1log 16..22 (a log key, 21 bytes, and entries), the
# strict dump/validate/iter/table at 64..72 (v1 files, 1-2 entries), validate_strict also
# at 170..172 and events_strict at 168..176 (strict v2 with events), the compat drivers at
# 128..136 or part of it (compat v2: index, events, segments). One parse, then two Eva
# analyses at a time, longest first; it also fails on a key of
# tools/prove/alarms-reviewed.txt that no run raises any more (untagged keys). Segmented
# files (>= 200 bytes) are in the recorded full-N run only (`tools/prove.sh --full`).
# PROVE_NICE=0: the proofs are this run's work, not background work (at nice 15 two busy
# loops of tools/test_busy.sh starved the Eva step: 505 s wall for 64 s of CPU).
export PROVE_NICE=0
step_run "proofs: WP on the bounds helpers" bash tools/prove.sh --wp
# Measured 2026-12-05 (quiet machine, PROVE_NICE=0): 70.9 s wall, 130 s CPU (the two Eva
# steps it replaces, open_strict + text at N = 128 and the strict index walkers at 64..72:
# 55.1 s wall, 89.6 s CPU, measured right after).
step_run "proofs: Eva, every driver (tools/prove.sh --ci)" bash tools/prove.sh --ci

# The conformance report of our implementation (the "main job", tools/main.sh) is the ctest
# test conformance.c of step 1 (and of steps 2 and 3, under the sanitizers and -m32): not
# repeated here.
step "all tests passed; seconds per step:"
printf '%s\n' "${times[@]}"
cpu_now
printf '%5d s %5d s CPU  total\n' "$SECONDS" "$CPU_NOW"
