#!/usr/bin/env bash
# The main job: build libacepack and the acepack CLI, then run the conformance suite
# (corpus/) against our implementation and print its report.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/deps.sh main
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j"$(nproc)"
python3 conformance/run.py --adapter "build/acepack adapter" --json build/conformance-report.json "$@"
