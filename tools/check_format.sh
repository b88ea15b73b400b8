#!/usr/bin/env bash
# The C sources follow .clang-format. Usage: bash tools/check_format.sh [--fix]
# Checks (or, with --fix, rewrites) every tracked .c/.h file except the vendored spec 1.0
# reader (tests/compat/reader-1.0/, kept byte-identical to its tag) and the generated CRC
# tables (tools/gen_crc32c_tables.py owns their layout; a ctest checks they regenerate).
# clang-format's output changes between major versions: the style is pinned to 14 (Debian
# bookworm's, which CI installs); with another version this exits 77 (skipped) rather than
# report differences that are only the formatter's.
set -euo pipefail
cd "$(dirname "$0")/.."
fmt=${CLANG_FORMAT:-}
if [ -z "$fmt" ]; then
  for c in clang-format-14 clang-format; do
    if command -v "$c" >/dev/null 2>&1; then fmt=$c; break; fi
  done
fi
if [ -z "$fmt" ]; then echo "check_format: clang-format not found: skipped" >&2; exit 77; fi
major=$("$fmt" --version | sed -n 's/.*clang-format version \([0-9]*\).*/\1/p')
if [ "$major" != 14 ]; then
  echo "check_format: $fmt is version ${major:-unknown}, the style is pinned to 14: skipped" >&2
  exit 77
fi
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files '*.c' '*.h')
else
  mapfile -t files < <(find src include tools tests fuzz bindings -name '*.[ch]' | sort)
fi
sources=()
for f in "${files[@]}"; do
  case $f in
    tests/compat/reader-1.0/*|src/common/crc32c_tables.h) ;;
    *) sources+=("$f") ;;
  esac
done
if [ "${1:-}" = --fix ]; then
  "$fmt" -i "${sources[@]}"
  exit 0
fi
# One process for every file (one per file cost ~25 s of start-ups); each difference is
# reported as FILE:LINE:COL by --dry-run.
if ! "$fmt" --dry-run --Werror "${sources[@]}"; then
  echo "check_format: the files above differ from .clang-format (bash tools/check_format.sh --fix)" >&2
  exit 1
fi
echo "check_format: ${#sources[@]} files follow .clang-format"
