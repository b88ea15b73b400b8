#!/usr/bin/env bash
# tools/test_all.sh on a busy machine: two busy loops (`while :; do :; done`, one per core of
# the 2-core CI machine) run beside it from start to end, so that every wall-clock limit of
# the tests meets a machine where each process gets a fraction of a core.  A test that fails
# here but not on a quiet machine has a time limit that load can fire: make it a CPU-time
# limit (conformance/acetest/limits.py) or a backstop far above the run time.
#
#   bash tools/test_busy.sh [LOOPS]        (default 2; the arguments of test_all.sh: none)
#
# Exits with test_all.sh's status; the loops are ended by their process ids.
set -uo pipefail
cd "$(dirname "$0")/.."
loops=${1:-2}
pids=()
stop_loops() {
  local pid
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null
  done
  wait "${pids[@]}" 2>/dev/null
}
trap stop_loops EXIT
for _ in $(seq "$loops"); do
  bash -c 'while :; do :; done' &
  pids+=($!)
done
echo "test_busy: $loops busy loops (pids ${pids[*]}) beside tools/test_all.sh"
bash tools/test_all.sh
status=$?
echo "test_busy: tools/test_all.sh exited $status with $loops busy loops beside it"
exit $status
