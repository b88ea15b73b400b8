#!/usr/bin/env python3
"""Fails when git tracks a file that a fuzzer or a crash left behind.

libFuzzer writes crash-*, slow-unit-*, leak-*, timeout-* and oom-* into its
working directory, AFL++ the same kind of files into its output folder, and a
crashing process leaves core / core.PID / vgcore.PID.  None of them is source:
they are ignored (.gitignore) and this check catches one added by force.
The minimized reproducers that tools/fuzz.sh keeps on purpose live in
fuzz/regressions/ and are allowed there.

    tools/check_tracked.py            # checks `git ls-files` of this checkout
    tools/check_tracked.py --list F   # checks the paths listed in F (one a line)

Exit 0 clean, 1 stray files (listed on stderr), 77 not a git checkout.
"""
import argparse
import os
import re
import subprocess
import sys

STRAY = re.compile(r"^(crash-|slow-unit-|leak-|timeout-|oom-).*$|^core(\.[0-9]+)?$|^vgcore\.[0-9]+$")
ALLOWED_UNDER = "fuzz/regressions/"


def stray(paths):
    """The paths whose file name is fuzzer or crash output, outside fuzz/regressions/."""
    out = []
    for p in paths:
        name = p.rsplit("/", 1)[-1]
        if STRAY.match(name) and not p.startswith(ALLOWED_UNDER):
            out.append(p)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--list", help="file of paths to check instead of git ls-files")
    args = ap.parse_args()
    if args.list:
        with open(args.list, encoding="utf-8") as f:
            paths = [line.rstrip("\n") for line in f if line.strip()]
    else:
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        try:
            res = subprocess.run(["git", "-C", root, "ls-files", "-z"], capture_output=True,
                                 check=True)
        except (OSError, subprocess.CalledProcessError) as e:
            print(f"check_tracked: not a git checkout ({e}): skipped", file=sys.stderr)
            return 77
        paths = [p for p in res.stdout.decode("utf-8", "surrogateescape").split("\0") if p]
        if not paths:
            print("check_tracked: git ls-files listed nothing", file=sys.stderr)
            return 1
    bad = stray(paths)
    for p in bad:
        print(f"tracked fuzzer/crash output: {p}", file=sys.stderr)
    if bad:
        print(f"check_tracked: {len(bad)} stray file(s); `git rm` them", file=sys.stderr)
        return 1
    print(f"check_tracked: {len(paths)} tracked files, none is fuzzer or crash output")
    return 0


if __name__ == "__main__":
    sys.exit(main())
