#!/usr/bin/env bash
# tools/prove.sh - Frama-C Eva proofs of the reader (see "Proofs" in README.md).
#
#   tools/prove.sh --ci               CI run (tools/test_all.sh): every driver, each at
#                                     its own small window of sizes (CI_SET below),
#                                     machdep gcc_x86_64, with the staleness check
#   tools/prove.sh --full             the recorded "full N" run (FULL_SET below, windows
#                                     of 32 sizes; tools/prove/README.md)
#   tools/prove.sh [--n N] [--from LO] [--window W] [--machdep M[,M]] [DRIVER[@[LO..]HI]...]
#                                     drivers (default: all) at the sizes LO..N, or
#                                     at their own sizes (open_compat@128..136,
#                                     keys@12); --window W: each driver's sizes as
#                                     analyses of W sizes each; --from LO: the sizes
#                                     LO..N only (e.g. >= 200: segmented files)
#   tools/prove.sh --wp               WP (CVC4 through Why3) on the ACSL contracts of the
#                                     bounds helpers (src/common/bytes.h)
#
# Each driver (tools/prove/*.c) runs Eva over every input of LO..HI unknown
# bytes (tools/prove/prove_input.h).  Every alarm (a property Eva cannot
# prove: invalid access, uninitialized read, overflow, a libc precondition,
# a driver assertion) must be listed in tools/prove/alarms-reviewed.txt with
# the argument why it cannot happen; the run fails on any alarm not listed,
# and, when every driver ran (at any sizes), on a listed alarm that no run
# raised (stale).
# Runs PROVE_JOBS (2) analyses at a time, in the order given (put the longest
# first), under nice -n PROVE_NICE (15: a long proof yields to other work;
# test_all.sh, where it is the work, sets 0); logs and CSV reports in
# build-prove/MACHDEP-RANGE/DRIVER.*.  Prints: driver, machdep, sizes,
# statements reached %, alarms, wall and CPU seconds (CPU: /usr/bin/time), then
# the parse CPU and the staleness check.
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

# The CI set (--ci): every driver, each at the sizes that reach the code it is
# for, cheaply; the longest first (PROVE_JOBS analyses at a time in this
# order).  Why each window, and its measured cost: tools/prove/README.md,
# "Session 7 runs".
CI_SET=(
    open_strict@128 table_strict@64..72 text@64 validate_strict@170..172
    iter_compat@128..136 dump_compat@132..136 keys@8 validate_strict@64..72
    events_compat@128..136 table_compat@128..130 validate_compat@128..136
    open_compat@128..136 events_strict@168..176 iter_strict@64..72 dump_strict@64..72
    v1log@16..22
)
# The recorded "full N" (--full): every driver over 0..256 (segmented files
# from 200 bytes, checksummed + segmented from 240), keys to 32 (its cost
# grows with the body), in windows of 32 sizes; gcc_x86_64 unless --machdep.
# Session 7: prove: ok on both machdeps, ~53 CPU-minutes each (tools/prove/README.md).
FULL_SET=(
    open_strict@256 events_strict@256 validate_strict@256 dump_strict@256
    table_strict@256 iter_strict@256 open_compat@256 events_compat@256
    validate_compat@256 dump_compat@256 iter_compat@256 table_compat@256
    v1log@256 text@256 keys@32
)

die() { echo "prove.sh: $*" >&2; exit 2; }

selected=()
report_only=
while [ $# -gt 0 ]; do
    case $1 in
    --ci) selected=("${CI_SET[@]}"); shift ;;
    --full) selected=("${FULL_SET[@]}"); WINDOW=${PROVE_WINDOW:-32}; full_n=1; shift ;;
    --n) N=$2; shift 2 ;;
    --window) WINDOW=$2; shift 2 ;;
    --from) FROM=$2; shift 2 ;;
    --machdep) MACHDEPS=$2; shift 2 ;;
    --report-only) report_only=1; shift ;; # re-read the last run's reports
    --wp) wp=1; shift ;;
    -h | --help) sed -n '2,29p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
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

# The analyses: "name:source:profile LO HI" (a driver's own @[LO..]HI, else
# --from/--n).
[ ${#selected[@]} -gt 0 ] || for d in "${ALL_DRIVERS[@]}"; do selected+=("${d%%:*}"); done
[ "$FROM" -le "$N" ] || die "--from $FROM is above --n $N"
analyses=()
for s in "${selected[@]}"; do
    name=${s%%@*} lo=$FROM hi=$N
    if [ "$name" != "$s" ]; then
        r=${s#*@}
        case $r in
        *..*) lo=${r%..*} hi=${r#*..} ;;
        *) lo=0 hi=$r ;;
        esac
        [[ $lo =~ ^[0-9]+$ && $hi =~ ^[0-9]+$ && $lo -le $hi ]] || die "bad sizes in $s"
    fi
    found=
    for d in "${ALL_DRIVERS[@]}"; do [ "${d%%:*}" = "$name" ] && { analyses+=("$d $lo $hi"); found=1; }; done
    [ -n "$found" ] || die "unknown driver $name"
done
# Every driver ran (at any sizes): the staleness check applies.
scope=full
for d in "${ALL_DRIVERS[@]}"; do
    printf '%s\n' "${analyses[@]}" | grep -q "^${d%%:*}:" || scope=subset
done

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

# CPU_FILE COMMAND...: the command under nice -n PROVE_NICE, its user and
# system seconds written to CPU_FILE (by /usr/bin/time, Debian package time,
# where installed).
timed() {
    local f=$1
    shift
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -f '%U %S' -o "$f" nice -n "${PROVE_NICE:-15}" "$@"
    else
        nice -n "${PROVE_NICE:-15}" "$@"
    fi
}
# The windows of an analysis of the sizes FROM..TOP: "LO HI" lines (W sizes
# each with --window W, else one).
windows() {
    local from=$1 top=$2 w=${WINDOW:-0} lo
    [ "$w" -gt 0 ] || w=$((top - from + 1))
    for ((lo = from; lo <= top; lo += w)); do
        echo "$lo $((lo + w - 1 < top ? lo + w - 1 : top))"
    done
}
# The C preprocessor runs once per machdep: every window of every analysis is
# a wrapper translation unit that sets the driver's sizes and profile and
# renames its main (prove_main_NAME_TOP_LO_HI), and frama-c parses the
# wrappers and the reader once and saves the project; each Eva run loads it
# (<1 s instead of ~4 s of parsing per analysis).  Static names of the
# drivers get a _N suffix in the joint project; the report strips it, and
# maps prove_main_* back to main, so the alarm keys are those of a separate
# parse (checked on the CI set, tools/prove/README.md).
parse_all() {
    local md=$1 dir=$OUT/parse-$1 a spec from top name src prof lo hi
    rm -rf "$dir"
    mkdir -p "$dir"
    for a in "${analyses[@]}"; do
        read -r spec from top <<<"$a"
        IFS=: read -r name src prof <<<"$spec"
        while read -r lo hi; do
            printf '%s\n' "/* generated by tools/prove.sh */" "#define PROVE_N $top" \
                "#define PROVE_SIZE_MIN $lo" "#define PROVE_SIZE_MAX $hi" \
                "#define PROVE_PROFILE $prof" "#define main prove_main_${name}_${top}_${lo}_$hi" \
                "#include \"$src\"" >"$dir/${name}_${top}_${lo}_$hi.c"
        done < <(windows "$from" "$top")
    done
    # gcc_ machdeps know the GCC builtins (__builtin_ctzll, __builtin_prefetch).
    timed "$dir/parse.cpu" frama-c -machdep "$md" -cpp-extra-args="$PROVE_CPP" "$dir"/*.c "${SOURCES[@]}" \
        -save "$dir/project.sav" >"$dir/parse.log" 2>&1
}

# One Eva run of a window: NAME TOP LO HI MACHDEP BASE -> BASE.{log,csv,cpu}
# (cpu: user + system seconds of frama-c).
run_window() {
    local name=$1 top=$2 lo=$3 hi=$4 md=$5 base=$6
    # -eva-split-limit: one state per input size (and per workspace size).
    timed "$base.cpu" frama-c -load "$OUT/parse-$md/project.sav" -main "prove_main_${name}_${top}_${lo}_$hi" \
        -eva -eva-split-limit 1000000 -eva-no-show-progress \
        -then -report-csv "$base.csv" >"$base.log" 2>&1
}

# One analysis: "NAME:SRC:PROFILE LO HI" MACHDEP -> $OUT/MACHDEP-RANGE/NAME.
# {log,csv,time,cpu}, RANGE = HI, or LO-HI when LO > 0.  With a window W > 0,
# the sizes [LO, HI] are analysed W at a time (one Eva run each; logs,
# reports and CPU summed): the union is the same set of inputs, and the cost
# is ~N*W instead of ~N^2 (Eva's cost grows with the square of the states of
# one analysis, not with the input size: tools/prove/README.md).
run_one() {
    local spec=$1 from=$2 top=$3 md=$4 name src prof dir t0 t1 lo hi
    IFS=: read -r name src prof <<<"$spec"
    dir=$OUT/$md-$top
    [ "$from" -eq 0 ] || dir=$OUT/$md-$from-$top
    mkdir -p "$dir"
    rm -rf "$dir/$name.csv" "$dir/$name.csv.err" "$dir/$name.log" "$dir/$name.cpu" "$dir/$name.w"
    mkdir -p "$dir/$name.w"
    t0=$(date +%s.%N)
    while read -r lo hi; do
        if ! run_window "$name" "$top" "$lo" "$hi" "$md" "$dir/$name.w/$lo-$hi"; then
            echo "frama-c failed on sizes $lo..$hi" >>"$dir/$name.csv.err"
        fi
        echo "== sizes $lo..$hi" >>"$dir/$name.log"
        cat "$dir/$name.w/$lo-$hi.log" >>"$dir/$name.log"
        cat "$dir/$name.w/$lo-$hi.cpu" >>"$dir/$name.cpu" 2>/dev/null || true
        if [ -f "$dir/$name.csv" ]; then
            tail -n +2 "$dir/$name.w/$lo-$hi.csv" >>"$dir/$name.csv" 2>/dev/null || true
        else
            cp "$dir/$name.w/$lo-$hi.csv" "$dir/$name.csv" 2>/dev/null || true
        fi
    done < <(windows "$from" "$top")
    t1=$(date +%s.%N)
    echo "$t0 $t1" | awk '{printf "%.1f\n", $2 - $1}' >"$dir/$name.time"
}
export -f timed windows run_window run_one
export OUT WINDOW

start=$(date +%s)
jobs_list=()
for md in ${MACHDEPS//,/ }; do
    for a in "${analyses[@]}"; do jobs_list+=("$a $md"); done
done
if [ -z "$report_only" ]; then
    for md in ${MACHDEPS//,/ }; do parse_all "$md" & done
    wait
    for md in ${MACHDEPS//,/ }; do
        [ -f "$OUT/parse-$md/project.sav" ] || { tail -n 20 "$OUT/parse-$md/parse.log"; die "parse failed ($md)"; }
    done
    printf '%s\n' "${jobs_list[@]}" | xargs -P "$JOBS" -L 1 bash -c 'run_one "$0" "$1" "$2" "$3"'
fi
wall=$(( $(date +%s) - start ))

# Alarms: every property of the CSV report that Eva left unproven (or proved
# false), but the libc contracts' own clauses (their call sites count).
# Key: file|function|property (function copies of static inline helpers
# lose their _N suffix; no line numbers, so edits elsewhere do not churn it).
# The staleness check (every driver ran): each listed key must be raised by
# some run, but a key tagged `[full]` only in a --full run (its windows are
# not in the CI set) and one tagged `[gcc_x86_32]` only when that machdep ran.
python3 - "$OUT" "$REVIEWED" "$wall" "$scope" "${full_n:-0}" "$MACHDEPS" "${jobs_list[@]}" <<'EOF'
import csv, os, re, sys
out, reviewed_path, wall, scope, full_n, machdeps = sys.argv[1:7]
jobs = [j.split() for j in sys.argv[7:]]
context = set(machdeps.split(",")) | ({"full"} if full_n == "1" else set())
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
            fn = re.sub(r"^prove_main_.*", "main", fn)  # a driver's main (parse_all)
            kind = re.sub(r"_[0-9]+$", "", row["property kind"])  # "precondition of ap_be32_0"
            # a driver's static arrays, renamed out_storage_0 etc. when one
            # driver has several windows in the joint project (parse_all)
            prop = re.sub(r"\b(prove_bytes|[a-z]+_storage)_[0-9]+\b", r"\1", row["property"])
            k = f'{row["file"]}|{fn}|{kind}: {prop}'
            found[k] = found.get(k, 0) + 1
    return found
reviewed, tags = set(), {}
with open(reviewed_path) as f:
    for line in f:
        line = line.rstrip("\n")
        if line and not line.startswith("#"):
            m = re.match(r"\[([a-z0-9_,]+)\] (.*)", line)
            if m:
                line = m.group(2)
                tags[line] = set(m.group(1).split(","))
            reviewed.add(line)
seen, failed = set(), False
print(f'{"driver":<17} {"machdep":<11} {"sizes":>9} {"stmts":>6} {"alarms":>6} {"new":>4} {"wall s":>7} {"cpu s":>7}')
for name_spec, lo, hi, md in jobs:
    name = name_spec.split(":")[0]
    rng = hi if lo == "0" else f"{lo}-{hi}"
    sizes = f"{lo}..{hi}"
    base = os.path.join(out, f"{md}-{rng}", name)
    if not os.path.exists(base + ".time"):  # not run, or not finished (--report-only)
        print(f"{name:<17} {md:<11} {sizes:>9} NOT RUN (no {base}.time)")
        failed = True
        continue
    log = open(base + ".log", errors="replace").read()
    t = open(base + ".time").read().strip()
    try:  # user + system seconds of each frama-c run (/usr/bin/time)
        cpu = sum(float(x) for x in open(base + ".cpu").read().split())
        cpu = f"{cpu:.1f}"
    except (OSError, ValueError):
        cpu = "?"
    # With windows: one coverage line per window; the widest reach counts.
    m = [int(c) for c in re.findall(r"statements reached \(out of \d+\): (\d+)% coverage", log)]
    cov = f"{max(m)}%" if m else "?"
    if not os.path.exists(base + ".csv") or os.path.exists(base + ".csv.err") or not m:
        print(f"{name:<17} {md:<11} {sizes:>9} {'FAILED: see ' + base + '.log'}")
        failed = True
        continue
    found = keys_of(base + ".csv")
    new = sorted(k for k in found if k not in reviewed)
    seen.update(found)
    print(f"{name:<17} {md:<11} {sizes:>9} {cov:>6} {sum(found.values()):>6} {len(new):>4} {t:>7} {cpu:>7}")
    for k in new:
        print(f"    NOT REVIEWED: {k}")
    failed |= bool(new)
if scope == "full":
    stale = sorted(k for k in reviewed - seen if tags.get(k, set()) <= context)
    for k in stale:
        print(f"    STALE (no run raises it any more; remove it): {k}")
    failed |= bool(stale)
parse = []
for md in sorted({j[3] for j in jobs}):
    try:
        parse.append(f"{md} {sum(float(x) for x in open(os.path.join(out, 'parse-' + md, 'parse.cpu')).read().split()):.1f} s")
    except (OSError, ValueError):
        pass
print(f"parse (once per machdep, CPU): {', '.join(parse) or '?'}")
print(f"wall time {wall} s; load average {open('/proc/loadavg').read().split()[0:3]}")
print("prove: FAILED" if failed else "prove: ok")
sys.exit(1 if failed else 0)
EOF
