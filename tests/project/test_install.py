#!/usr/bin/env python3
"""Installs the build into a prefix inside the build tree and uses it from outside.

    test_install.py --build-dir B --cmake CMAKE --cc CC --libdir LIBDIR --nm NM
                    [--c-flags FLAGS] [--pkg-config PKG_CONFIG] --corpus CORPUS

1. `cmake --install B --prefix B/project-install/prefix`.
2. The consumer project tests/project/consumer (find_package(acepack CONFIG REQUIRED)):
   read_count links acepack::acepack_read, write_store links acepack::acepack.
3. The same two programs built by one compiler command line each, with the flags that
   pkg-config gives for acepack_read.pc and acepack.pc.
4. Every program runs: write_store creates a store and reads it back; read_count reads that
   store and a corpus file, whose counts come from its dump (written by pyacepack, not by
   the C code).
5. The reader stays alone: acepack_read.h compiles by itself under -std=c11 -pedantic
   -Werror, does not declare the writer, and no reader-only program or installed reader
   library holds a writer symbol (the writer programs do: the check can see them).

Everything is written under B/project-install.  Exit 0 pass, 1 fail.
"""
import argparse
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CONSUMER = HERE / "consumer"
CORPUS_FILE = "large/y_canonical_2000_keys_20000_events"
STRICT = ["-std=c11", "-Wall", "-Wextra", "-Werror", "-pedantic"]
# Symbols only the writer defines: its internal aw_* functions and its public API.
WRITER_SYMBOL = re.compile(
    r"\b(aw_\w+|acepack_(store|build|migrate|dump_parse|parsed_dump|io_posix)\w*)\b")

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL " + msg, flush=True)


def run(cmd, what, env=None, cwd=None):
    """Runs cmd; returns its stdout, or None (a failure recorded) when it fails."""
    print("$ " + " ".join(shlex.quote(str(c)) for c in cmd), flush=True)
    p = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, env=env, cwd=cwd)
    if p.returncode != 0:
        fail(f"{what}: exit {p.returncode}\n{p.stdout}{p.stderr}")
        return None
    return p.stdout


def expect_output(cmd, want, what, env=None):
    out = run(cmd, what, env=env)
    if out is not None and out.strip() != want:
        fail(f"{what}: printed {out.strip()!r}, expected {want!r}")


def writer_symbols(nm, path, dynamic=False):
    """Writer symbols that the file at path defines or references."""
    cmd = [nm] + (["-D"] if dynamic else []) + [str(path)]
    out = run(cmd, f"nm {path}")
    return sorted(set(m.group(1) for m in WRITER_SYMBOL.finditer(out or "")))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build-dir", required=True, type=Path)
    ap.add_argument("--cmake", required=True)
    ap.add_argument("--cc", required=True)
    ap.add_argument("--c-flags", default="")
    ap.add_argument("--libdir", required=True, help="CMAKE_INSTALL_LIBDIR")
    ap.add_argument("--nm", required=True)
    ap.add_argument("--pkg-config", default="")
    ap.add_argument("--corpus", required=True, type=Path)
    a = ap.parse_args()

    work = a.build_dir.resolve() / "project-install"
    if work.exists():
        shutil.rmtree(work)
    work.mkdir()
    prefix = work / "prefix"
    libdir = prefix / a.libdir
    flags = shlex.split(a.c_flags)
    env = dict(os.environ)
    # The pkg-config programs link the shared libraries when they were installed.
    env["LD_LIBRARY_PATH"] = str(libdir) + (
        ":" + env["LD_LIBRARY_PATH"] if env.get("LD_LIBRARY_PATH") else "")

    if run([a.cmake, "--install", a.build_dir, "--prefix", prefix], "cmake --install") is None:
        return 1
    for h in ("acepack_read.h", "acepack_write.h", "acepack.h"):
        if not (prefix / "include" / h).is_file():
            fail(f"include/{h} not installed")

    dump = json.loads((a.corpus / (CORPUS_FILE + ".dump.json")).read_text(encoding="utf-8"))
    corpus_file = a.corpus / (CORPUS_FILE + ".ace")
    corpus_want = f"events {len(dump['events'])} keys {len(dump['kv'])}"
    store_want = "keys 1 events 2 greeting=hello"
    read_store_want = "events 2 keys 1"

    def check_pair(tag, read_exe, write_exe):
        store = work / f"{tag}.ace"
        expect_output([write_exe, store], store_want, f"{tag}: write_store", env)
        expect_output([read_exe, store], read_store_want, f"{tag}: read_count on the store", env)
        expect_output([read_exe, corpus_file], corpus_want, f"{tag}: read_count on {CORPUS_FILE}",
                      env)

    # ---- CMake package ----
    cbuild = work / "cmake-consumer"
    configured = run([a.cmake, "-S", CONSUMER, "-B", cbuild,
                      f"-DCMAKE_C_COMPILER={a.cc}", f"-DCMAKE_C_FLAGS={a.c_flags}",
                      f"-DCMAKE_EXE_LINKER_FLAGS={a.c_flags}", f"-DCMAKE_PREFIX_PATH={prefix}",
                      "-DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF",
                      "-DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF"],
                     "configure the CMake consumer")
    if configured is not None:
        cache = (cbuild / "CMakeCache.txt").read_text(encoding="utf-8", errors="replace")
        m = re.search(r"^acepack_DIR:PATH=(.*)$", cache, re.M)
        if not m or not Path(m.group(1)).resolve().is_relative_to(prefix):
            fail(f"find_package(acepack) found {m.group(1) if m else 'nothing'}, not {prefix}")
        if run([a.cmake, "--build", cbuild], "build the CMake consumer") is not None:
            check_pair("cmake", cbuild / "read_count", cbuild / "write_store")
            leaked = writer_symbols(a.nm, cbuild / "read_count")
            if leaked:
                fail(f"cmake: read_count (acepack::acepack_read) holds writer symbols: {leaked}")
            if not writer_symbols(a.nm, cbuild / "write_store"):
                fail("cmake: no writer symbol seen in write_store: the symbol check is blind")

    # ---- pkg-config + one compiler command line ----
    if a.pkg_config:
        penv = dict(env, PKG_CONFIG_PATH=str(libdir / "pkgconfig"), PKG_CONFIG_LIBDIR="")
        exes = {}
        for pc, src in (("acepack_read", "read_count.c"), ("acepack", "write_store.c")):
            pflags = run([a.pkg_config, "--cflags", "--libs", pc], f"pkg-config {pc}", env=penv)
            if pflags is None:
                continue
            libs = [f for f in shlex.split(pflags) if f.startswith("-l")]
            if libs != [f"-l{pc}"]:
                fail(f"pkg-config {pc}: libraries {libs}, expected ['-l{pc}']")
            exe = work / f"pc-{src[:-2]}"
            if run([a.cc] + STRICT + flags + [CONSUMER / src, "-o", exe] + shlex.split(pflags),
                   f"cc {src} with pkg-config {pc}") is not None:
                exes[src] = exe
        if len(exes) == 2:
            check_pair("pkg-config", exes["read_count.c"], exes["write_store.c"])
            leaked = writer_symbols(a.nm, exes["read_count.c"], dynamic=True)
            if leaked:
                fail(f"pkg-config: read_count (acepack_read.pc) references writer symbols: {leaked}")
    else:
        print("pkg-config not found: the pkg-config consumers are not built", flush=True)

    # ---- the reader's header and libraries alone ----
    alone = work / "reader_header_alone.c"
    alone.write_text("#include <acepack_read.h>\nint main(void) { return 0; }\n")
    run([a.cc] + STRICT + flags + ["-fsyntax-only", "-I", prefix / "include", alone],
        "acepack_read.h alone under -std=c11 -pedantic -Werror")
    calls_writer = work / "reader_header_calls_writer.c"
    calls_writer.write_text("#include <acepack_read.h>\n"
                            "int main(void) { return (int)acepack_store_open(0, 0, 0, 0, 0); }\n")
    p = subprocess.run([a.cc] + STRICT + flags + ["-fsyntax-only", "-I", str(prefix / "include"),
                                                  str(calls_writer)], capture_output=True)
    if p.returncode == 0:
        fail("acepack_read.h declares the writer (acepack_store_open compiled)")
    for lib in sorted(libdir.glob("libacepack_read.*")):
        if lib.is_symlink():
            continue
        leaked = writer_symbols(a.nm, lib, dynamic=lib.suffix != ".a")
        if leaked:
            fail(f"installed {lib.name} holds writer symbols: {leaked}")
    if not list(libdir.glob("libacepack_read.*")):
        fail(f"no libacepack_read installed in {libdir}")

    if failures:
        print(f"{len(failures)} check(s) failed", flush=True)
        return 1
    print("ok: installed, both consumers built with CMake and pkg-config, and ran", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
