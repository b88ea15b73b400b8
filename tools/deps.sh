#!/usr/bin/env bash
# Installs the Debian packages the build and the tests need, when they are missing.
# Usage: bash tools/deps.sh [main|all]   (main: build + conformance; all: every test)
set -euo pipefail
# pkg-config: tests/project/test_install.py builds consumers with the installed .pc files.
want=(cmake make gcc python3 pkg-config)
if [ "${1:-all}" = all ]; then
  # clang + compiler-rt: ASan/UBSan and libFuzzer; gcc-multilib: the -m32 build;
  # g++-multilib: 32-bit libstdc++ for the i386 libFuzzer build (tools/fuzz.sh i386);
  # valgrind: memcheck runs; afl++: the AFL++ harness builds; llvm: llvm-cov/llvm-profdata.
  want+=(clang libclang-rt-14-dev llvm lld gcc-multilib valgrind afl++)
  # clang-format: the source style check (tools/check_format.sh, pinned to version 14).
  want+=(clang-format)
  # bindings/js: clang-14 + wasi-libc + the wasm32 builtins + lld build the WebAssembly
  # reader; nodejs (its npm too) runs its tests; chromium runs the inspector page test.
  want+=(clang-14 wasi-libc libclang-rt-14-dev-wasm32 nodejs chromium)
  # Debian's nodejs comes without npm (a package of its own); other builds bring it.
  command -v npm >/dev/null 2>&1 || want+=(npm)
  # g++-multilib: 32-bit libstdc++ for the i386 libFuzzer build (tools/fuzz.sh i386);
  # frama-c-base: the Eva proofs of the reader (tools/prove.sh); why3 + cvc4: its WP proofs.
  want+=(g++-multilib frama-c-base why3 cvc4)
  # qemu-user: runs the -m32 tests where the kernel refuses i386 programs (tools/i386_exec.sh).
  want+=(qemu-user)
fi
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update || echo "deps: warning: apt-get update reported errors; trying the install anyway" >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
fi
