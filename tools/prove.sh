#!/usr/bin/env bash
# tools/prove.sh - Frama-C Eva proofs of the reader (see "Proofs" in README.md).
#
#   tools/prove.sh                    CI run: every driver, N = PROVE_N (default 128),
#                                     machdep gcc_x86_64
#   tools/prove.sh --full             every driver, N = 4096 (PROVE_FULL_N), machdeps
#                                     gcc_x86_64 and gcc_x86_32
#   tools/prove.sh [--n N] [--from LO] [--window W] [--machdep M[,M]] [DRIVER...]
#                                     a subset (no staleness check); --window W: the
#                                     sizes 0..N as analyses of W sizes each (--full: 64);
#                                     --from LO: the sizes LO..N only (e.g. the sizes
#                                     that reach segmented files, >= 200 bytes)
#   tools/prove.sh --wp               WP (CVC4 through Why3) on the ACSL contracts of the
#                                     bounds helpers (src/common/bytes.h)
#
# Each driver (tools/prove/*.c) runs Eva over every input of 0..N unknown
# bytes (tools/prove/prove_input.h).  Every alarm (a property Eva cannot
# prove: invalid access, uninitialized read, overflow, a libc precondition,
# a driver assertion) must be listed in tools/prove/alarms-reviewed.txt with
# the argument why it cannot happen; the run fails on any alarm not listed,
# and (full driver set only) on a listed alarm that no run raised any more.
# Runs PROVE_JOBS (2) analyses at a time under nice -n PROVE_NICE (15: a long proof
# yields to other work; test_all.sh, where it is the work, sets 0); logs and CSV reports in
# build-prove/.  Prints: driver, machdep, N, statements reached %, alarms.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=${PROVE_OUT:-$ROOT/build-prove}
JOBS=${PROVE_JOBS:-2}
N=${PROVE_N:-128}
WINDOW=${PROVE_WINDOW:-0}
FROM=0
MACHDEPS=gcc_x86_64
REVIEWED=$ROOT/tools/prove/alarms-reviewed.txt

# name:source:profile (0 strict, 1 compat).  The open drivers cover v1 and v2:
# the version field is one of the unknown input bytes.
ALL_DRIVERS=(
    open_strict:open.c:0 open_compat:open.c:1
    validate_strict:validate.c:0 validate_compat:validate.c:1
    dump_strict:dump.c:0 dump_compat:dump.c:1
    events_strict:events.c:0 events_compat:events.c:1
    iter_strict:iter.c:0 iter_compat:iter.c:1
    table_strict:table.c:0 table_compat:table.c:1
    keys:keys.c:0 v1log:v1log.c:0 text:text.c:0
)

die() { echo "prove.sh: $*" >&2; exit 2; }

selected=()
report_only=
while [ $# -gt 0 ]; do
    case $1 in
    --full) N=${PROVE_FULL_N:-4096}; WINDOW=${PROVE_WINDOW:-64}; MACHDEPS=gcc_x86_64,gcc_x86_32; shift ;;
    --n) N=$2; shift 2 ;;
    --window) WINDOW=$2; shift 2 ;;
    --from) FROM=$2; shift 2 ;;
    --machdep) MACHDEPS=$2; shift 2 ;;
    --report-only) report_only=1; shift ;; # re-read the last run's reports
    --wp) wp=1; shift ;;
    -h | --help) sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option $1" ;;
    *) selected+=("$1"); shift ;;
    esac
done
command -v frama-c >/dev/null || die "frama-c not found (apt-get install frama-c-base)"

if [ -n "${wp:-}" ]; then
    # WP: every goal of the contracts and of the helpers' own runtime checks.
    [ -f "$HOME/.why3.conf" ] || why3 config detect >/dev/null
    bytes_h=$(find "$ROOT/src" -name bytes.h | head -n1)
    log=$(nice -n "${PROVE_NICE:-15}" frama-c -machdep gcc_x86_64 "$bytes_h" -wp -wp-rte -wp-prover qed,cvc4 \
        -wp-fct ap_be32,ap_be64,ap_range_ok 2>&1)
    echo "$log" | grep -E '^\[wp\] Proved goals|Unknown|Failed|Timeout' || true
    echo "$log" | grep -qE 'Proved goals: +([0-9]+) / \1$' && { echo "prove --wp: ok"; exit 0; }
    echo "prove --wp: FAILED"; exit 1
fi

drivers=()
if [ ${#selected[@]} -eq 0 ]; then
    drivers=("${ALL_DRIVERS[@]}")
else
    for s in "${selected[@]}"; do
        found=
        for d in "${ALL_DRIVERS[@]}"; do [ "${d%%:*}" = "$s" ] && { drivers+=("$d"); found=1; }; done
        [ -n "$found" ] || die "unknown driver $s"
    done
fi

# The reader's sources, from one place: every .c of src/read/ and
# src/common/ but map_file.c (a path, not bytes); never the writer.
reader_sources() {
    local d f
    for d in "$ROOT/src/read" "$ROOT/src/common"; do
        for f in "$d"/*.c; do
            [ "$(basename "$f")" = map_file.c ] || echo "$f"
        done
    done
}
# Include directories: include/ and the reader's internal headers.
includes() {
    printf '%s\n' "-I$ROOT/include" "-I$ROOT/src/read" "-I$ROOT/src/common"
}
mapfile -t SOURCES < <(reader_sources)
[ ${#SOURCES[@]} -gt 0 ] || die "no reader sources found"
PROVE_CPP="-CC -DACEPACK_STATIC_DEFINE -I$ROOT/tools/prove $(includes | tr '\n' ' ')"

# One analysis of the sizes [LO, HI]: DRIVER MACHDEP LO HI -> BASE.{log,csv}
run_window() {
    local src=$1 prof=$2 md=$3 lo=$4 hi=$5 base=$6
    # -eva-split-limit: one state per input size (and per workspace size);
    # gcc_ machdeps know the GCC builtins (__builtin_ctzll, __builtin_prefetch).
    nice -n "${PROVE_NICE:-15}" frama-c -machdep "$md" \
        -cpp-extra-args="$PROVE_CPP -DPROVE_N=$N -DPROVE_SIZE_MIN=$lo -DPROVE_SIZE_MAX=$hi -DPROVE_PROFILE=$prof" \
        "$ROOT/tools/prove/$src" "${SOURCES[@]}" \
        -eva -eva-split-limit 1000000 -eva-no-show-progress \
        -then -report-csv "$base.csv" >"$base.log" 2>&1
}

# One driver: DRIVER MACHDEP -> $OUT/MACHDEP-N/NAME.{log,csv,time}.  With a
# window W > 0, the sizes [0, N] are analysed W at a time (one frama-c run
# each; logs and reports concatenated): the union is the same set of inputs,
# and the cost is ~N*W instead of ~N^2 (Eva's cost grows with the square of
# the states of one analysis, not with the input size: README "Proofs").
run_one() {
    local spec=$1 md=$2 name src prof dir t0 t1 lo hi w=${WINDOW:-0}
    IFS=: read -r name src prof <<<"$spec"
    dir=$OUT/$md-$RANGE
    mkdir -p "$dir"
    rm -f "$dir/$name.csv" "$dir/$name.csv.err" "$dir/$name.log"
    t0=$(date +%s.%N)
    if [ "$w" -le 0 ]; then
        run_window "$src" "$prof" "$md" "$FROM" "$N" "$dir/$name" || echo "frama-c failed" >"$dir/$name.csv.err"
    else
        rm -rf "$dir/$name.w"
        mkdir -p "$dir/$name.w"
        for ((lo = FROM; lo <= N; lo += w)); do
            hi=$((lo + w - 1 < N ? lo + w - 1 : N))
            if ! run_window "$src" "$prof" "$md" "$lo" "$hi" "$dir/$name.w/$lo-$hi"; then
                echo "frama-c failed on sizes $lo..$hi" >>"$dir/$name.csv.err"
            fi
            echo "== sizes $lo..$hi" >>"$dir/$name.log"
            cat "$dir/$name.w/$lo-$hi.log" >>"$dir/$name.log"
            if [ -f "$dir/$name.csv" ]; then
                tail -n +2 "$dir/$name.w/$lo-$hi.csv" >>"$dir/$name.csv" 2>/dev/null || true
            else
                cp "$dir/$name.w/$lo-$hi.csv" "$dir/$name.csv" 2>/dev/null || true
            fi
        done
    fi
    t1=$(date +%s.%N)
    echo "$t0 $t1" | awk '{printf "%.1f\n", $2 - $1}' >"$dir/$name.time"
}
export -f run_window
export -f run_one
# The sizes of a run, FROM..N, name its output directory (N alone from 0).
RANGE=$N
[ "$FROM" -eq 0 ] || RANGE=$FROM-$N
[ "$FROM" -le "$N" ] || die "--from $FROM is above --n $N"
export OUT N ROOT PROVE_CPP WINDOW FROM RANGE
export SOURCES_LIST="${SOURCES[*]}"

start=$(date +%s)
jobs_list=()
for md in ${MACHDEPS//,/ }; do
    for d in "${drivers[@]}"; do jobs_list+=("$d $md"); done
done
[ -n "$report_only" ] || printf '%s\n' "${jobs_list[@]}" |
    xargs -P "$JOBS" -L 1 bash -c 'SOURCES=($SOURCES_LIST); run_one "$0" "$1"'
wall=$(( $(date +%s) - start ))

# Alarms: every property of the CSV report that Eva left unproven (or proved
# false), but the libc contracts' own clauses (their call sites count).
# Key: file|function|property (function copies of static inline helpers
# lose their _N suffix; no line numbers, so edits elsewhere do not churn it).
python3 - "$OUT" "$RANGE" "$REVIEWED" "$wall" "$( [ ${#selected[@]} -eq 0 ] && echo full || echo subset)" \
    "${jobs_list[@]}" <<'EOF'
import csv, os, re, sys
out, n, reviewed_path, wall, scope = sys.argv[1:6]
jobs = [j.split() for j in sys.argv[6:]]
ok_status = {"Valid", "Considered valid", "Dead", "Partially proven", "Valid under hypotheses",
             "Unreachable"}
skip_kinds = {"assigns clause", "from clause", "postcondition", "termination clause",
              "precondition", "complete behaviors", "disjoint behaviors", "exit clause"}
def keys_of(csvf):
    found = {}
    with open(csvf, newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            if row["status"] in ok_status or row["property kind"] in skip_kinds:
                continue
            fn = re.sub(r"_[0-9]+$", "", row["function"])
            kind = re.sub(r"_[0-9]+$", "", row["property kind"])  # "precondition of ap_be32_0"
            k = f'{row["file"]}|{fn}|{kind}: {row["property"]}'
            found[k] = found.get(k, 0) + 1
    return found
reviewed = set()
with open(reviewed_path) as f:
    for line in f:
        line = line.rstrip("\n")
        if line and not line.startswith("#"):
            reviewed.add(line)
seen, failed = set(), False
print(f'{"driver":<17} {"machdep":<11} {"N":>9} {"stmts":>6} {"alarms":>6} {"new":>4} {"time s":>7}')
for name_spec, md in jobs:
    name = name_spec.split(":")[0]
    base = os.path.join(out, f"{md}-{n}", name)
    log = open(base + ".log", errors="replace").read()
    t = open(base + ".time").read().strip()
    # With windows: one coverage line per window; the widest reach counts.
    m = [int(c) for c in re.findall(r"statements reached \(out of \d+\): (\d+)% coverage", log)]
    cov = f"{max(m)}%" if m else "?"
    if not os.path.exists(base + ".csv") or os.path.exists(base + ".csv.err") or not m:
        print(f"{name:<17} {md:<11} {n:>9} {'FAILED: see ' + base + '.log'}")
        failed = True
        continue
    found = keys_of(base + ".csv")
    new = sorted(k for k in found if k not in reviewed)
    seen.update(found)
    print(f"{name:<17} {md:<11} {n:>9} {cov:>6} {sum(found.values()):>6} {len(new):>4} {t:>7}")
    for k in new:
        print(f"    NOT REVIEWED: {k}")
    failed |= bool(new)
if scope == "full":
    stale = sorted(reviewed - seen)
    for k in stale:
        print(f"    STALE (no run raises it any more; remove it): {k}")
    failed |= bool(stale)
print(f"wall time {wall} s; load average {open('/proc/loadavg').read().split()[0:3]}")
print("prove: FAILED" if failed else "prove: ok")
sys.exit(1 if failed else 0)
EOF
