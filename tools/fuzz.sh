#!/usr/bin/env bash
# tools/fuzz.sh - one entry point for fuzzing libacepack (see fuzz/README.md).
#
#   tools/fuzz.sh build [libfuzzer|afl|cmplog|regression|coverage|msan|i386]
#                                              (default libfuzzer)
#   tools/fuzz.sh assets                       dictionaries, options, seed corpora
#   tools/fuzz.sh list                         harnesses of the libFuzzer build
#   tools/fuzz.sh run HARNESS [SECONDS] [--engine libfuzzer|afl]     (default 60 s)
#   tools/fuzz.sh minimize HARNESS [--into-repo]   merge-minimize the working corpus
#                                                  (--into-repo: refresh fuzz/seeds/HARNESS)
#   tools/fuzz.sh minimize-crash HARNESS FILE      shrink a crashing input into
#                                                  fuzz/regressions/HARNESS/
#   tools/fuzz.sh regress                      regression drivers (ASan+UBSan) + ctest -L fuzz
#   tools/fuzz.sh coverage                     llvm-cov line/branch coverage of the reader
#   tools/fuzz.sh msan [SECONDS]               MemorySanitizer libFuzzer build (as OSS-Fuzz's
#                                              `memory` sanitizer): runs the regression corpora
#                                              (FUZZ_WITH_CORPUS=1: and corpus/), then SECONDS
#                                              (default 0) of fuzzing per harness
#   tools/fuzz.sh i386 [SECONDS]               the same for the 32-bit x86 build (ASan+UBSan,
#                                              as OSS-Fuzz's `i386` architecture); on a kernel
#                                              that runs no i386 program natively only its
#                                              sources are compiled (clang -m32 -Werror),
#                                              FUZZ_I386_BUILD=1: built anyway, not run
#   tools/fuzz.sh i386-regress                 the regression drivers built -m32 with UBSan
#                                              (no ASan), replaying every regression corpus
#                                              (ctest -L fuzz), natively or under qemu-i386
#   tools/fuzz.sh ci                           FUZZ_SECONDS (60) per harness + regress
#   tools/fuzz.sh smoke                        FUZZ_SECONDS (60) per harness, no regress
#                                              (tools/test_all.sh: its asan ctest replays
#                                              the regression corpora)
#   tools/fuzz.sh ossfuzz-check                run fuzz/oss-fuzz/build.sh and
#                                              .clusterfuzzlite/build.sh as OSS-Fuzz would
#                                              (ASan+UBSan; $OUT kept in build-fuzz-ossfuzz/)
#
# Environment: FUZZ_WORK (working corpora, findings; default build-fuzz-work/),
# FUZZ_SECONDS (ci), FUZZ_JOBS (build parallelism, default 2), CC_CLANG (clang),
# FUZZ_BUILD (ci/smoke: libfuzzer, the default, builds build-fuzz-libfuzzer; ossfuzz
# fuzzes what ossfuzz-check left), FUZZ_PARALLEL (ci/smoke/ossfuzz-check: harnesses run
# at once).
# One fuzzer process at a time by default: the machine is shared (tools/test_all.sh sets
# FUZZ_PARALLEL=nproc on its own machine).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=${FUZZ_WORK:-$ROOT/build-fuzz-work}
JOBS=${FUZZ_JOBS:-2}
CLANG=${CC_CLANG:-clang}
ASSETS=$WORK/assets

die() { echo "fuzz.sh: $*" >&2; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || die "$1 not found (install: $2)"; }

builddir() { echo "$ROOT/build-fuzz-$1"; }

# Common cmake arguments: only libraries, harnesses and their tests.
cmake_common=(-DACEPACK_BUILD_TOOLS=OFF -DACEPACK_BUILD_SHARED=OFF)

cmd_build() {
    local kind=${1:-libfuzzer} dir
    dir=$(builddir "$kind")
    case $kind in
    libfuzzer)
        need "$CLANG" "apt-get install clang"
        CC=$CLANG cmake -S "$ROOT" -B "$dir" "${cmake_common[@]}" -DACEPACK_BUILD_TESTS=OFF \
            -DACEPACK_BUILD_FUZZERS=ON -DACEPACK_FUZZ_ENGINE=libfuzzer >/dev/null
        ;;
    afl | cmplog)
        need afl-clang-fast "apt-get install afl++"
        # AFL++ instruments through its compiler wrapper; the main build also
        # gets ASan+UBSan, the cmplog build (comparison operands) stays plain.
        local env=(AFL_QUIET=1)
        if [ "$kind" = afl ]; then env+=(AFL_USE_ASAN=1 AFL_USE_UBSAN=1); else env+=(AFL_LLVM_CMPLOG=1); fi
        env "${env[@]}" CC=afl-clang-fast cmake -S "$ROOT" -B "$dir" "${cmake_common[@]}" \
            -DACEPACK_BUILD_TESTS=OFF -DACEPACK_BUILD_FUZZERS=ON -DACEPACK_FUZZ_ENGINE=afl \
            -DACEPACK_WERROR=OFF >/dev/null
        env "${env[@]}" cmake --build "$dir" -j"$JOBS" >/dev/null
        echo "built $kind harnesses in $dir/fuzz"
        return
        ;;
    msan)
        # OSS-Fuzz's MemorySanitizer build: everything instrumented (the
        # harnesses use no library beyond libc, so nothing else needs an
        # MSan build), origins tracked for readable reports.
        need "$CLANG" "apt-get install clang"
        CC=$CLANG cmake -S "$ROOT" -B "$dir" "${cmake_common[@]}" -DACEPACK_BUILD_TESTS=OFF \
            -DACEPACK_BUILD_FUZZERS=ON -DACEPACK_FUZZ_ENGINE=libfuzzer \
            -DACEPACK_SANITIZE=memory \
            -DCMAKE_C_FLAGS="-fsanitize-memory-track-origins=2" >/dev/null
        ;;
    i386)
        # OSS-Fuzz's i386 architecture: -m32, ASan (+UBSan here).  Needs the
        # i386 compiler-rt of libclang-rt-14-dev and gcc-multilib/g++-multilib
        # (32-bit libc and libstdc++ for libFuzzer).
        need "$CLANG" "apt-get install clang"
        CC=$CLANG cmake -S "$ROOT" -B "$dir" "${cmake_common[@]}" -DACEPACK_BUILD_TESTS=OFF \
            -DACEPACK_BUILD_FUZZERS=ON -DACEPACK_FUZZ_ENGINE=libfuzzer \
            -DCMAKE_C_FLAGS=-m32 -DCMAKE_EXE_LINKER_FLAGS=-m32 >/dev/null
        ;;
    i386-compile)
        # What the i386 build checks where its binaries cannot run: the library, the
        # harnesses and their support code compiled by clang -m32 with the project's
        # warnings (-Werror), linked as the plain regression drivers; -O0 and no
        # instrumentation (clang's warnings do not depend on either), nothing run.
        need "$CLANG" "apt-get install clang"
        CC=$CLANG cmake -S "$ROOT" -B "$dir" "${cmake_common[@]}" -DACEPACK_BUILD_TESTS=ON \
            -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS_DEBUG=-O0 -DCMAKE_C_FLAGS=-m32 \
            -DCMAKE_EXE_LINKER_FLAGS=-m32 -DCMAKE_SHARED_LINKER_FLAGS=-m32 >/dev/null
        build_targets "$dir" '_regression'
        echo "compiled the i386 sources in $dir"
        return
        ;;
    i386-regression)
        # The plain regression drivers (no libFuzzer), -m32, UBSan only: ASan's
        # start-up does not finish under qemu-i386, UBSan needs no shadow memory.
        need "$CLANG" "apt-get install clang"
        CC=$CLANG cmake -S "$ROOT" -B "$dir" "${cmake_common[@]}" -DACEPACK_BUILD_TESTS=ON \
            -DACEPACK_SANITIZE=undefined -DCMAKE_C_FLAGS=-m32 -DCMAKE_EXE_LINKER_FLAGS=-m32 \
            -DCMAKE_SHARED_LINKER_FLAGS=-m32 >/dev/null
        build_targets "$dir" '_regression'
        echo "built $kind drivers in $dir/fuzz"
        return
        ;;
    regression)
        CC=${CC:-$CLANG} cmake -S "$ROOT" -B "$dir" "${cmake_common[@]}" -DACEPACK_BUILD_TESTS=ON \
            -DACEPACK_SANITIZE=address,undefined >/dev/null
        ;;
    coverage)
        need "$CLANG" "apt-get install clang"
        CC=$CLANG cmake -S "$ROOT" -B "$dir" "${cmake_common[@]}" -DACEPACK_BUILD_TESTS=ON \
            -DCMAKE_BUILD_TYPE=Debug -DACEPACK_WERROR=OFF \
            -DCMAKE_C_FLAGS="-fprofile-instr-generate -fcoverage-mapping" >/dev/null
        ;;
    *) die "build: unknown kind '$kind' (libfuzzer|afl|cmplog|regression|coverage|msan|i386|i386-compile|i386-regression)" ;;
    esac
    case $kind in
    # The fuzzing binaries only: their libraries are the instrumented copies of
    # fuzz/CMakeLists.txt, libacepack itself would be compiled for nothing.
    libfuzzer | msan | i386) build_targets "$dir" '' ;;
    *) cmake --build "$dir" -j"$JOBS" >/dev/null ;;
    esac
    echo "built $kind harnesses in $dir/fuzz"
}

# build_targets DIR SUFFIX: build the targets fuzz_*SUFFIX of the configured DIR (SUFFIX
# '': the fuzzing binaries, '_regression': the regression drivers) and what they link.
build_targets() {
    local targets
    targets=$(cmake --build "$1" --target help | sed -n 's/^\.\.\. \(fuzz_[a-z0-9_]*\)$/\1/p' |
        if [ -n "$2" ]; then grep -- "$2\$"; else grep -v -- '_regression$'; fi || true)
    [ -n "$targets" ] || die "no fuzz_*$2 targets in $1"
    # shellcheck disable=SC2086
    cmake --build "$1" -j"$JOBS" --target $targets >/dev/null
}

cmd_assets() {
    python3 "$ROOT/fuzz/make_assets.py" --out "$ASSETS" >/dev/null
    echo "assets in $ASSETS"
}

# Harness names: the fuzzing binaries of a build (default: libFuzzer).
harnesses() {
    local dir how="tools/fuzz.sh build ${1:-libfuzzer}"
    dir=$(builddir "${1:-libfuzzer}")/fuzz
    [ "${1:-}" = ossfuzz ] && dir=$(builddir ossfuzz)/out how="tools/fuzz.sh ossfuzz-check"
    [ -d "$dir" ] || die "no build in $dir (run: $how)"
    find "$dir" -maxdepth 1 -type f -perm -u+x -name 'fuzz_*' ! -name '*_regression' \
        -printf '%f\n' | sort
}

cmd_list() { harnesses libfuzzer; }

# option NAME HARNESS: a value of fuzz/options/HARNESS.options.
option() { option_in "$ROOT/fuzz/options/$2.options" "$1"; }
# option_in FILE NAME: a value of an .options file.
option_in() { sed -n "s/^$2 *= *//p" "$1" 2>/dev/null | head -n1; }

# fuzz_paths SOURCE H: BIN DICT OPTS SEEDS of harness H in SOURCE, where ci/smoke take
# the fuzzing binaries from (FUZZ_BUILD):
#   libfuzzer  build-fuzz-libfuzzer/fuzz/H (ASan+UBSan), built by ci/smoke; the assets of
#              `tools/fuzz.sh assets`, fuzz/options/H.options
#   ossfuzz    what `tools/fuzz.sh ossfuzz-check` left in build-fuzz-ossfuzz/: OSS-Fuzz's
#              $OUT (out/H built by fuzz/oss-fuzz/build.sh with ASan+UBSan, out/H.dict,
#              out/H.options) and seeds/H (out/H_seed_corpus.zip unzipped): the binaries
#              and files ClusterFuzz would fuzz, built once for both checks
fuzz_paths() {
    local d
    case $1 in
    libfuzzer)
        BIN=$(builddir libfuzzer)/fuzz/$2 DICT=$ASSETS/$2.dict
        OPTS=$ROOT/fuzz/options/$2.options SEEDS=$ASSETS/${2}_seed_corpus
        ;;
    ossfuzz)
        d=$(builddir ossfuzz)
        BIN=$d/out/$2 DICT=$d/out/$2.dict OPTS=$d/out/$2.options SEEDS=$d/seeds/$2
        ;;
    *) die "FUZZ_BUILD must be libfuzzer or ossfuzz, not '$1'" ;;
    esac
}

# run_libfuzzer H SECONDS CORPUS [SOURCE]: fuzz H for SECONDS from CORPUS + its seeds.
run_libfuzzer() {
    local h=$1 secs=$2 corpus=$3 BIN DICT OPTS SEEDS
    fuzz_paths "${4:-libfuzzer}" "$h"
    [ -x "$BIN" ] || die "no $BIN (run: tools/fuzz.sh build libfuzzer)"
    mkdir -p "$corpus" "$WORK/artifacts/$h"
    local max_len timeout
    max_len=$(option_in "$OPTS" max_len)
    timeout=$(option_in "$OPTS" timeout)
    "$BIN" -dict="$DICT" ${max_len:+-max_len=$max_len} ${timeout:+-timeout=$timeout} \
        -max_total_time="$secs" -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$WORK/artifacts/$h/" "$corpus" "$SEEDS"
}

run_afl() {
    local h=$1 secs=$2 bin cmp out
    bin=$(builddir afl)/fuzz/$h
    cmp=$(builddir cmplog)/fuzz/$h
    [ -x "$bin" ] || die "no $bin (run: tools/fuzz.sh build afl)"
    [ -x "$cmp" ] || die "no $cmp (run: tools/fuzz.sh build cmplog)"
    out=$WORK/afl/$h
    mkdir -p "$out"
    # Seeds: the libFuzzer working corpus when there is one, else the seeds.
    local seeds=$ASSETS/${h}_seed_corpus
    [ -d "$WORK/corpus/$h" ] && [ -n "$(ls -A "$WORK/corpus/$h")" ] && seeds=$WORK/corpus/$h
    AFL_SKIP_CPUFREQ=1 AFL_NO_UI=1 AFL_AUTORESUME=1 AFL_NO_AFFINITY=1 \
        AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_CRASHES=1 \
        ASAN_OPTIONS=abort_on_error=1:symbolize=0:detect_leaks=0 \
        afl-fuzz -i "$seeds" -o "$out" -x "$ASSETS/$h.dict" -V "$secs" -t 2000 -m none \
        -c "$cmp" -- "$bin"
}

cmd_run() {
    local h=${1:-} secs=60 engine=libfuzzer
    [ -n "$h" ] || die "usage: run HARNESS [SECONDS] [--engine libfuzzer|afl]"
    shift
    while [ $# -gt 0 ]; do
        case $1 in
        --engine) engine=$2; shift 2 ;;
        --engine=*) engine=${1#--engine=}; shift ;;
        *) secs=$1; shift ;;
        esac
    done
    [ -d "$ASSETS/${h}_seed_corpus" ] || cmd_assets
    case $engine in
    libfuzzer) run_libfuzzer "$h" "$secs" "$WORK/corpus/$h" ;;
    afl) run_afl "$h" "$secs" ;;
    *) die "unknown engine $engine" ;;
    esac
}

cmd_minimize() {
    local h=${1:-} into_repo=${2:-} bin src new
    [ -n "$h" ] || die "usage: minimize HARNESS [--into-repo]"
    bin=$(builddir libfuzzer)/fuzz/$h
    [ -x "$bin" ] || die "no $bin (run: tools/fuzz.sh build libfuzzer)"
    [ -d "$ASSETS/${h}_seed_corpus" ] || cmd_assets
    src=$WORK/corpus/$h
    new=$WORK/corpus/$h.min
    rm -rf "$new"
    mkdir -p "$new" "$src"
    # Everything found so far: libFuzzer's corpus, AFL++'s queue, a local
    # fuzz/corpora/H, the seeds.
    local extra=()
    [ -d "$WORK/afl/$h/default/queue" ] && extra+=("$WORK/afl/$h/default/queue")
    [ -d "$ROOT/fuzz/corpora/$h" ] && extra+=("$ROOT/fuzz/corpora/$h")
    "$bin" -merge=1 -max_len="$(option max_len "$h")" \
        "$new" "$src" "${extra[@]}" "$ASSETS/${h}_seed_corpus" 2>&1 | tail -n 1
    rm -rf "$src"
    mv "$new" "$src"
    echo "$h: $(ls "$src" | wc -l) inputs after merge"
    [ "$into_repo" = --into-repo ] || return 0
    # fuzz/seeds/H (tracked): only the inputs that reach edges the seeds
    # derived from corpus/ and fuzz/regressions/H do not (edges, not counters,
    # to keep it small).
    local base=$WORK/seedbase/$h
    rm -rf "$WORK/seedbase" "$WORK/seeds.tmp"
    python3 "$ROOT/fuzz/make_assets.py" --out "$WORK/seedbase.assets" --harness "$h" --no-extra >/dev/null
    mkdir -p "$base" "$WORK/seeds.tmp"
    cp "$WORK/seedbase.assets/${h}_seed_corpus"/. "$base/" -r
    [ -d "$ROOT/fuzz/regressions/$h" ] && cp "$ROOT/fuzz/regressions/$h"/* "$base/"
    ls "$base" >"$WORK/seeds.before"
    "$bin" -merge=1 -use_counters=0 -max_len="$(option max_len "$h")" "$base" "$src" >/dev/null 2>&1
    (cd "$base" && ls | comm -13 "$WORK/seeds.before" - | xargs -r -I{} cp {} "$WORK/seeds.tmp/")
    rm -rf "$ROOT/fuzz/seeds/$h"
    mkdir -p "$ROOT/fuzz/seeds/$h"
    cp -r "$WORK/seeds.tmp"/. "$ROOT/fuzz/seeds/$h/"
    rm -rf "$WORK/seedbase" "$WORK/seedbase.assets" "$WORK/seeds.tmp" "$WORK/seeds.before"
    echo "fuzz/seeds/$h: $(ls "$ROOT/fuzz/seeds/$h" | wc -l) inputs beyond the corpus seeds"
}

cmd_minimize_crash() {
    local h=${1:-} file=${2:-} bin out
    [ -n "$h" ] && [ -f "$file" ] || die "usage: minimize-crash HARNESS FILE"
    bin=$(builddir libfuzzer)/fuzz/$h
    out=$WORK/artifacts/$h/minimized-$(sha1sum "$file" | cut -c1-12)
    "$bin" -minimize_crash=1 -max_total_time=60 -exact_artifact_path="$out" "$file" \
        >/dev/null 2>&1 || true
    [ -f "$out" ] || cp "$file" "$out"
    mkdir -p "$ROOT/fuzz/regressions/$h"
    cp "$out" "$ROOT/fuzz/regressions/$h/crash-$(sha1sum "$out" | cut -c1-12)"
    echo "reproducer: fuzz/regressions/$h/crash-$(sha1sum "$out" | cut -c1-12) ($(wc -c <"$out") bytes)"
}

cmd_regress() {
    cmd_build regression
    (cd "$(builddir regression)" && ctest -L fuzz --output-on-failure)
}

# i386-regress: the regression drivers, -m32 + UBSan, over corpus/ and every
# fuzz/regressions/H (+ fuzz/seeds/H): ctest -L fuzz.  Runs natively or under
# qemu-i386 (tools/i386_exec.sh registers it; UBSan starts there, ASan does not).
cmd_i386_regress() {
    local how
    how=$(bash "$ROOT/tools/i386_exec.sh") || die "this machine cannot run i386 programs"
    cmd_build i386-regression
    echo "i386 regression drivers run: $how"
    (cd "$(builddir i386-regression)" &&
        UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest -L fuzz -j"$JOBS" --output-on-failure)
}

cmd_coverage() {
    need llvm-profdata "apt-get install llvm"
    need llvm-cov "apt-get install llvm"
    cmd_build coverage
    local dir prof objs=() h
    dir=$(builddir coverage)
    prof=$dir/profiles
    rm -rf "$prof"
    mkdir -p "$prof"
    for bin in "$dir"/fuzz/*_regression; do
        h=$(basename "$bin" _regression)
        local inputs=("$ROOT/corpus" "$ROOT/fuzz/regressions/$h")
        for d in "$ROOT/fuzz/seeds/$h" "$ROOT/fuzz/corpora/$h" "$WORK/corpus/$h" \
            "$ASSETS/${h}_seed_corpus"; do
            [ -d "$d" ] && inputs+=("$d")
        done
        LLVM_PROFILE_FILE="$prof/$h-%p.profraw" "$bin" "${inputs[@]}" 2>&1 | tail -n 1
        objs+=(-object "$bin")
    done
    llvm-profdata merge -sparse "$prof"/*.profraw -o "$prof/all.profdata"
    # The reader: src/common/ and src/read/ but map_file.c (the mmap
    # wrapper, which takes a path, not bytes: no harness can reach it).
    local srcs=()
    for f in "$ROOT"/src/common/*.c "$ROOT"/src/read/*.c; do
        case $(basename "$f") in map_file.c) ;; *) srcs+=("$f") ;; esac
    done
    echo
    llvm-cov report "${objs[@]:1}" -instr-profile="$prof/all.profdata" "${srcs[@]}" |
        tee "$dir/coverage.txt"
    echo
    echo "Lines not reached (file:line):"
    llvm-cov show "${objs[@]:1}" -instr-profile="$prof/all.profdata" "${srcs[@]}" \
        -format=text -show-line-counts 2>/dev/null | awk '
        /^\/.*\.c:$/ { file = $0; sub(/:$/, "", file); n = split(file, p, "/"); file = p[n]; next }
        /^ *[0-9]+\| *0\|/ {
            line = $0; sub(/^ */, "", line); num = line; sub(/\|.*/, "", num)
            src = line; sub(/^[0-9]+\| *0\|/, "", src); gsub(/^ +/, "", src)
            print "  " file ":" num ": " src }' |
        tee "$dir/unreached.txt"
    python3 - "$dir/coverage.txt" <<'EOF'
import sys
tot = [l.split() for l in open(sys.argv[1]) if l.startswith("TOTAL")]
if not tot:
    sys.exit("no TOTAL line")
t = tot[0]
# TOTAL regions miss cover% functions miss exec% lines miss cover% branches miss cover%
lines, branches = float(t[9].rstrip("%")), float(t[12].rstrip("%"))
ok = lines >= 95.0 and branches >= 90.0
print(f"\nreader coverage: lines {lines:.2f}% (target 95), branches {branches:.2f}% (target 90): "
      + ("MET" if ok else "NOT MET"))
EOF
}

# msan|i386: build, replay each harness's regression corpora
# (fuzz/regressions/H, fuzz/seeds/H; with FUZZ_WITH_CORPUS=1 also corpus/)
# with the fuzzing binary, then fuzz each for SECONDS (default 0: replay
# only, the CI step).
cmd_variant() {
    local kind=$1 secs=${2:-0} h bin failed=() n
    if [ "$kind" = i386 ] && [ "$(bash "$ROOT/tools/i386_exec.sh" 2>/dev/null)" != native ]; then
        # A kernel without IA32 emulation (some VMs, this project's CI) runs i386 programs
        # only under qemu-i386, if at all, where ASan's start-up does not finish: the
        # binaries could not run.  What runs instead: the regression corpora -m32 with
        # UBSan (ctest preset m32, tools/test_all.sh step 3; tools/fuzz.sh i386-regress).
        if [ "${FUZZ_I386_BUILD:-0}" = 1 ]; then
            cmd_build i386
            echo "fuzz i386: built (FUZZ_I386_BUILD=1), but this kernel does not run i386 programs natively: SKIPPED the runs"
        else
            echo "fuzz i386: this kernel does not run i386 programs natively: the libFuzzer build and its runs are SKIPPED (FUZZ_I386_BUILD=1 builds it); its compile check only:"
            cmd_build i386-compile
        fi
        return 0
    fi
    cmd_build "$kind"
    [ "$secs" -gt 0 ] && { [ -d "$ASSETS" ] || cmd_assets; }
    for h in $(harnesses "$kind"); do
        bin=$(builddir "$kind")/fuzz/$h
        local inputs=() d
        [ "${FUZZ_WITH_CORPUS:-0}" = 1 ] && inputs+=("$ROOT/corpus")
        for d in "$ROOT/fuzz/regressions/$h" "$ROOT/fuzz/seeds/$h"; do
            [ -d "$d" ] && inputs+=("$d")
        done
        # Every file, not a libFuzzer corpus run: -runs=0 executes each input once.
        n=$(find "${inputs[@]}" -type f | wc -l)
        # Artifacts (a crash, a slow unit on a busy machine) go to the work folder, not here.
        mkdir -p "$WORK/artifacts/$kind-$h"
        if "$bin" -runs=0 -artifact_prefix="$WORK/artifacts/$kind-$h/" "${inputs[@]}" \
            >"$WORK/$kind-$h.log" 2>&1; then
            echo "$kind $h: $n inputs clean"
        else
            failed+=("$h")
            tail -n 40 "$WORK/$kind-$h.log"
            echo "$kind $h: FAILED on the regression corpora (log: $WORK/$kind-$h.log)"
            continue
        fi
        if [ "$secs" -gt 0 ]; then
            mkdir -p "$WORK/corpus-$kind/$h" "$WORK/artifacts/$kind-$h"
            local max_len
            max_len=$(option max_len "$h")
            if "$bin" -dict="$ASSETS/$h.dict" ${max_len:+-max_len=$max_len} \
                -max_total_time="$secs" -rss_limit_mb=2048 -print_final_stats=1 \
                -artifact_prefix="$WORK/artifacts/$kind-$h/" "$WORK/corpus-$kind/$h" \
                "$ASSETS/${h}_seed_corpus" >"$WORK/$kind-$h.fuzz.log" 2>&1; then
                echo "$kind $h: ${secs}s fuzzing, $(grep -m1 '^stat::number_of_executed_units' \
                    "$WORK/$kind-$h.fuzz.log" | sed 's/.*: *//') runs, no finding"
            else
                failed+=("$h")
                tail -n 40 "$WORK/$kind-$h.fuzz.log"
                echo "$kind $h: FINDING (artifacts in $WORK/artifacts/$kind-$h)"
            fi
        fi
    done
    if [ ${#failed[@]} -gt 0 ]; then
        echo "fuzz $kind: failures in: ${failed[*]}"
        return 1
    fi
    echo "fuzz $kind: clean"
}

# ci: FUZZ_SECONDS of fuzzing per harness, then the regression corpora (regress).
# smoke: the fuzzing only, for tools/test_all.sh, whose asan preset already replays the
# regression corpora under ASan+UBSan (ctest label fuzz).
# FUZZ_BUILD (fuzz_paths): the binaries fuzzed; FUZZ_PARALLEL (default 1: one fuzzer at a
# time on a shared machine): how many harnesses fuzz at once (tools/test_all.sh: nproc).
# Each harness gets FUZZ_SECONDS whatever the parallelism; the report keeps their order.
cmd_ci() {
    local regress=${1:-regress} secs=${FUZZ_SECONDS:-60} h failed=()
    local source=${FUZZ_BUILD:-libfuzzer} par=${FUZZ_PARALLEL:-1} list
    case $par in '' | *[!0-9]* | 0) die "FUZZ_PARALLEL must be a positive integer, not '$par'" ;; esac
    if [ "$source" = libfuzzer ]; then
        cmd_build libfuzzer
        cmd_assets
    fi
    list=$(harnesses "$source")
    [ -n "$list" ] || die "no harness in the $source build"
    local ci_work running=0 BIN DICT OPTS SEEDS
    ci_work=$(mktemp -d)
    for h in $list; do
        fuzz_paths "$source" "$h"
        [ -x "$BIN" ] && [ -s "$DICT" ] && [ -s "$OPTS" ] && [ -d "$SEEDS" ] ||
            die "$h: $BIN, its .dict, .options or seeds ($SEEDS) missing"
    done
    for h in $list; do
        if [ "$running" -ge "$par" ]; then
            wait -n || true
            running=$((running - 1))
        fi
        mkdir -p "$ci_work/$h"
        # The status goes to a file: the report below prints the harnesses in order.
        (
            rc=0
            run_libfuzzer "$h" "$secs" "$ci_work/$h" "$source" >"$ci_work/$h.log" 2>&1 || rc=$?
            echo "$rc" >"$ci_work/$h.rc"
        ) &
        running=$((running + 1))
    done
    wait
    for h in $list; do
        echo "== $h: ${secs}s under libFuzzer (ASan+UBSan, $source build)"
        if [ "$(cat "$ci_work/$h.rc" 2>/dev/null)" != 0 ]; then
            failed+=("$h")
            tail -n 60 "$ci_work/$h.log"
        else
            grep -E '^stat::number_of_executed_units|^stat::average_exec_per_sec' "$ci_work/$h.log" |
                tr '\n' ' '
            echo
        fi
    done
    rm -rf "$ci_work"
    [ "$regress" = regress ] && cmd_regress
    if [ ${#failed[@]} -gt 0 ]; then
        echo "fuzz ci: findings in: ${failed[*]} (artifacts in $WORK/artifacts)"
        return 1
    fi
    echo "fuzz ci: no findings"
}

# ossfuzz-check: fuzz/oss-fuzz/build.sh and .clusterfuzzlite/build.sh with OSS-Fuzz's
# variables of a libFuzzer build, from a fresh $WORK; every harness must have its binary,
# .dict, .options and a valid seed zip, and run its seeds.  Sanitizers: OSS-Fuzz's
# `address` flags plus `undefined` (-fno-sanitize-recover=all), the two sanitizers
# project.yaml lists beside `memory` (tools/fuzz.sh msan): one build checks that build.sh
# honours both, and its binaries are those `FUZZ_BUILD=ossfuzz tools/fuzz.sh smoke` fuzzes
# (the oss-fuzz flavour's $OUT and unzipped seeds stay in build-fuzz-ossfuzz/).  The seed
# runs: FUZZ_PARALLEL binaries at once (default 1).
cmd_ossfuzz_check() {
    need "$CLANG" "apt-get install clang"
    local t rc=0 keep par=${FUZZ_PARALLEL:-1}
    case $par in '' | *[!0-9]* | 0) die "FUZZ_PARALLEL must be a positive integer, not '$par'" ;; esac
    t=$(mktemp -d)
    keep=$(builddir ossfuzz)
    rm -rf "$keep"
    # One $SRC and one $WORK for both flavours: .clusterfuzzlite/build.sh runs OSS-Fuzz's
    # script with the same flags, so its cmake build is the first one, up to date (checked
    # end to end, not compiled twice); each flavour gets its own $OUT.
    local src=$t/src work=$t/work
    mkdir -p "$src" "$work"
    ln -s "$ROOT" "$src/libacepack"
    for flavour in oss-fuzz clusterfuzzlite; do
        local out=$t/$flavour/out unz_dir=$t/$flavour/unz script
        if [ $flavour = oss-fuzz ]; then
            script=$ROOT/fuzz/oss-fuzz/build.sh out=$keep/out unz_dir=$keep/seeds
        else
            script=$ROOT/.clusterfuzzlite/build.sh
        fi
        mkdir -p "$out"
        echo "== $flavour: $script"
        local flags="-O1 -fno-omit-frame-pointer -gline-tables-only -fsanitize=address -fsanitize-address-use-after-scope -fsanitize=undefined -fno-sanitize-recover=all -fsanitize=fuzzer-no-link"
        if ! (cd "$src/libacepack" && env CC=clang CXX=clang++ CFLAGS="$flags" CXXFLAGS="$flags" \
            LIB_FUZZING_ENGINE=-fsanitize=fuzzer SANITIZER=address FUZZING_ENGINE=libfuzzer \
            FUZZING_LANGUAGE=c ARCHITECTURE=x86_64 SRC="$src" OUT="$out" WORK="$work" \
            bash -eu "$script") >"$t/$flavour.log" 2>&1; then
            tail -n 40 "$t/$flavour.log"
            echo "$flavour: build.sh FAILED"
            rc=1
            continue
        fi
        # Every harness source (the files that define the entry point).
        local to_run=() running=0
        for h in $(grep -l '^int LLVMFuzzerTestOneInput(' "$ROOT"/fuzz/fuzz_*.c | xargs -n1 basename | sed 's/\.c$//'); do
            local missing=()
            [ -x "$out/$h" ] || missing+=("$h")
            [ -s "$out/$h.dict" ] || missing+=("$h.dict")
            [ -s "$out/$h.options" ] || missing+=("$h.options")
            if [ -s "$out/${h}_seed_corpus.zip" ]; then
                python3 -c 'import sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); z.testzip() is None or sys.exit(1); z.extractall(sys.argv[2]); print(len(z.namelist()))' \
                    "$out/${h}_seed_corpus.zip" "$unz_dir/$h" >"$t/$h.n" || missing+=("${h}_seed_corpus.zip (corrupt)")
            else
                missing+=("${h}_seed_corpus.zip")
            fi
            if [ ${#missing[@]} -gt 0 ]; then
                echo "  $h: MISSING ${missing[*]}"
                rc=1
                continue
            fi
            # The second flavour's binaries are the first's (same build): compared, not run again.
            if [ $flavour != oss-fuzz ] && cmp -s "$out/$h" "$keep/out/$h"; then
                echo "  $h: ok (binary, .dict, .options, $(cat "$t/$h.n") seeds; the oss-fuzz binary)"
            else
                to_run+=("$h")
            fi
        done
        # Each binary runs its seeds (no fuzzing): the build is usable.  FUZZ_PARALLEL at a
        # time (tools/test_all.sh: nproc), reported in order.
        for h in "${to_run[@]}"; do
            if [ "$running" -ge "$par" ]; then
                wait -n || true
                running=$((running - 1))
            fi
            (
                st=0
                "$out/$h" -runs=0 -artifact_prefix="$t/" "$unz_dir/$h" >"$t/$h.run" 2>&1 || st=$?
                echo "$st" >"$t/$h.rc"
            ) &
            running=$((running + 1))
        done
        wait
        for h in "${to_run[@]}"; do
            if [ "$(cat "$t/$h.rc" 2>/dev/null)" = 0 ]; then
                echo "  $h: ok (binary, .dict, .options, $(cat "$t/$h.n") seeds ran)"
            else
                tail -n 20 "$t/$h.run"
                echo "  $h: seeds FAIL"
                rc=1
            fi
        done
    done
    rm -rf "$t"
    [ $rc -eq 0 ] && echo "ossfuzz-check: ok" || echo "ossfuzz-check: FAILED"
    return $rc
}

main() {
    local cmd=${1:-}
    [ -n "$cmd" ] || { sed -n '2,/^$/p' "${BASH_SOURCE[0]}" | sed -n '/^#/s/^# \{0,1\}//p'; exit 2; }
    shift
    case $cmd in
    build) cmd_build "$@" ;;
    assets) cmd_assets ;;
    list) cmd_list ;;
    run) cmd_run "$@" ;;
    minimize) cmd_minimize "$@" ;;
    minimize-crash) cmd_minimize_crash "$@" ;;
    regress) cmd_regress ;;
    i386-regress) cmd_i386_regress ;;
    coverage) cmd_coverage ;;
    ci) cmd_ci ;;
    smoke) cmd_ci no-regress ;;
    msan | i386) mkdir -p "$WORK"; cmd_variant "$cmd" "$@" ;;
    ossfuzz-check) cmd_ossfuzz_check ;;
    *) die "unknown command '$cmd' (run without arguments for help)" ;;
    esac
}

main "$@"
