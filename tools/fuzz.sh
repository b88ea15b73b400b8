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
#                                              as OSS-Fuzz's `i386` architecture)
#   tools/fuzz.sh i386-regress                 the regression drivers built -m32 with UBSan
#                                              (no ASan), replaying every regression corpus
#                                              (ctest -L fuzz), natively or under qemu-i386
#   tools/fuzz.sh ci                           FUZZ_SECONDS (60) per harness + regress
#   tools/fuzz.sh smoke                        FUZZ_SECONDS (60) per harness, no regress
#                                              (tools/test_all.sh: its asan ctest replays
#                                              the regression corpora)
#   tools/fuzz.sh ossfuzz-check                run fuzz/oss-fuzz/build.sh and
#                                              .clusterfuzzlite/build.sh as OSS-Fuzz would
#
# Environment: FUZZ_WORK (working corpora, findings; default build-fuzz-work/),
# FUZZ_SECONDS (ci), FUZZ_JOBS (build parallelism, default 2), CC_CLANG (clang).
# One fuzzer process at a time: the machine is shared.
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
    i386-regression)
        # The plain regression drivers (no libFuzzer), -m32, UBSan only: ASan's
        # start-up does not finish under qemu-i386, UBSan needs no shadow memory.
        need "$CLANG" "apt-get install clang"
        CC=$CLANG cmake -S "$ROOT" -B "$dir" "${cmake_common[@]}" -DACEPACK_BUILD_TESTS=ON \
            -DACEPACK_SANITIZE=undefined -DCMAKE_C_FLAGS=-m32 -DCMAKE_EXE_LINKER_FLAGS=-m32 \
            -DCMAKE_SHARED_LINKER_FLAGS=-m32 >/dev/null
        local targets
        targets=$(cmake --build "$dir" --target help | sed -n 's/^\.\.\. \(fuzz_[a-z0-9_]*_regression\)$/\1/p')
        [ -n "$targets" ] || die "no *_regression targets in $dir"
        # shellcheck disable=SC2086
        cmake --build "$dir" -j"$JOBS" --target $targets >/dev/null
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
    *) die "build: unknown kind '$kind' (libfuzzer|afl|cmplog|regression|coverage|msan|i386|i386-regression)" ;;
    esac
    cmake --build "$dir" -j"$JOBS" >/dev/null
    echo "built $kind harnesses in $dir/fuzz"
}

cmd_assets() {
    python3 "$ROOT/fuzz/make_assets.py" --out "$ASSETS" >/dev/null
    echo "assets in $ASSETS"
}

# Harness names: the fuzzing binaries of a build (default: libFuzzer).
harnesses() {
    local dir
    dir=$(builddir "${1:-libfuzzer}")/fuzz
    [ -d "$dir" ] || die "no build in $dir (run: tools/fuzz.sh build ${1:-libfuzzer})"
    find "$dir" -maxdepth 1 -type f -perm -u+x -name 'fuzz_*' ! -name '*_regression' \
        -printf '%f\n' | sort
}

cmd_list() { harnesses libfuzzer; }

# option NAME HARNESS: a value of fuzz/options/HARNESS.options.
option() {
    sed -n "s/^$1 *= *//p" "$ROOT/fuzz/options/$2.options" 2>/dev/null | head -n1
}

run_libfuzzer() {
    local h=$1 secs=$2 corpus=$3 bin
    bin=$(builddir libfuzzer)/fuzz/$h
    [ -x "$bin" ] || die "no $bin (run: tools/fuzz.sh build libfuzzer)"
    mkdir -p "$corpus" "$WORK/artifacts/$h"
    local max_len timeout
    max_len=$(option max_len "$h")
    timeout=$(option timeout "$h")
    "$bin" -dict="$ASSETS/$h.dict" ${max_len:+-max_len=$max_len} ${timeout:+-timeout=$timeout} \
        -max_total_time="$secs" -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$WORK/artifacts/$h/" "$corpus" "$ASSETS/${h}_seed_corpus"
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
    cmd_build "$kind"
    if [ "$kind" = i386 ] && [ "$(bash "$ROOT/tools/i386_exec.sh" 2>/dev/null)" != native ]; then
        # A kernel without IA32 emulation (some VMs) runs i386 programs only under
        # qemu-i386, if at all, where ASan's start-up does not finish.
        echo "fuzz i386: built, but this kernel does not run i386 programs natively: SKIPPED the runs"
        return 0
    fi
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
        if "$bin" -runs=0 "${inputs[@]}" >"$WORK/$kind-$h.log" 2>&1; then
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
cmd_ci() {
    local regress=${1:-regress} secs=${FUZZ_SECONDS:-60} h failed=()
    cmd_build libfuzzer
    cmd_assets
    local ci_work
    ci_work=$(mktemp -d)
    for h in $(harnesses libfuzzer); do
        echo "== $h: ${secs}s under libFuzzer (ASan+UBSan)"
        mkdir -p "$ci_work/$h"
        if ! run_libfuzzer "$h" "$secs" "$ci_work/$h" >"$ci_work/$h.log" 2>&1; then
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

cmd_ossfuzz_check() {
    need "$CLANG" "apt-get install clang"
    local t rc=0
    t=$(mktemp -d)
    # One $SRC and one $WORK for both flavours: .clusterfuzzlite/build.sh runs OSS-Fuzz's
    # script with the same flags, so its cmake build is the first one, up to date (checked
    # end to end, not compiled twice); each flavour gets its own $OUT.
    local src=$t/src work=$t/work
    mkdir -p "$src" "$work"
    ln -s "$ROOT" "$src/libacepack"
    for flavour in oss-fuzz clusterfuzzlite; do
        local out=$t/$flavour/out script
        mkdir -p "$out"
        if [ $flavour = oss-fuzz ]; then script=$ROOT/fuzz/oss-fuzz/build.sh; else
            script=$ROOT/.clusterfuzzlite/build.sh; fi
        echo "== $flavour: $script"
        local flags="-O1 -fno-omit-frame-pointer -gline-tables-only -fsanitize=address -fsanitize-address-use-after-scope -fsanitize=fuzzer-no-link"
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
        for h in $(grep -l '^int LLVMFuzzerTestOneInput(' "$ROOT"/fuzz/fuzz_*.c | xargs -n1 basename | sed 's/\.c$//'); do
            local missing=()
            [ -x "$out/$h" ] || missing+=("$h")
            [ -s "$out/$h.dict" ] || missing+=("$h.dict")
            [ -s "$out/$h.options" ] || missing+=("$h.options")
            if [ -s "$out/${h}_seed_corpus.zip" ]; then
                local unz=$t/$flavour/unz/$h
                python3 -c 'import sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); z.testzip() is None or sys.exit(1); z.extractall(sys.argv[2]); print(len(z.namelist()))' \
                    "$out/${h}_seed_corpus.zip" "$unz" >"$t/n" || missing+=("${h}_seed_corpus.zip (corrupt)")
            else
                missing+=("${h}_seed_corpus.zip")
            fi
            if [ ${#missing[@]} -gt 0 ]; then
                echo "  $h: MISSING ${missing[*]}"
                rc=1
                continue
            fi
            # The binary runs its seeds (no fuzzing): the build is usable.  The second
            # flavour's binaries are the first's (same build): compared, not run again.
            if [ $flavour != oss-fuzz ] && cmp -s "$out/$h" "$t/oss-fuzz/out/$h"; then
                echo "  $h: ok (binary, .dict, .options, $(cat "$t/n") seeds; the oss-fuzz binary)"
            elif "$out/$h" -runs=0 "$t/$flavour/unz/$h" >"$t/$h.run" 2>&1; then
                echo "  $h: ok (binary, .dict, .options, $(cat "$t/n") seeds ran)"
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
    [ -n "$cmd" ] || { sed -n '2,23p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2; }
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
