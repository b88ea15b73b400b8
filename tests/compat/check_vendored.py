#!/usr/bin/env python3
"""Checks that tests/compat/reader-1.0/ holds exactly the reader sources of tag v1.0.1.

The files compared are the tag's src/read/, src/common/ and include/acepack_read.h: the same
set of paths, byte for byte.  Exit 0: identical; 1: they differ (listed); 77: skipped, with
the reason, when this is not a git checkout or the tag is not available (a shallow or
tag-less clone: fetch it with `git fetch origin tag v1.0.1`).
"""
import os
import subprocess
import sys

TAG = "v1.0.1"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VENDOR = os.path.join(ROOT, "tests", "compat", "reader-1.0")
PATHS = ["src/read", "src/common", "include/acepack_read.h"]


def git(*args):
    return subprocess.run(["git", "-C", ROOT, *args], capture_output=True)


def main():
    if git("rev-parse", "--git-dir").returncode != 0:
        print("check_vendored: skipped: not a git checkout")
        return 77
    if git("rev-parse", "-q", "--verify", f"refs/tags/{TAG}").returncode != 0:
        print(f"check_vendored: skipped: tag {TAG} is not available in this clone "
              f"(git fetch origin tag {TAG})")
        return 77
    ls = git("ls-tree", "-r", "--name-only", TAG, "--", *PATHS)
    if ls.returncode != 0:
        print(f"check_vendored: git ls-tree failed: {ls.stderr.decode(errors='replace')}")
        return 1
    tagged = sorted(ls.stdout.decode().split())
    vendored = []
    for p in PATHS:
        full = os.path.join(VENDOR, p)
        if os.path.isfile(full):
            vendored.append(p)
        for d, _, files in os.walk(full):
            vendored += [os.path.relpath(os.path.join(d, f), VENDOR) for f in files]
    problems = []
    for p in sorted(set(tagged) ^ set(vendored)):
        problems.append(f"{p}: {'missing from the vendored copy' if p in tagged else 'not in the tag'}")
    for p in sorted(set(tagged) & set(vendored)):
        want = git("show", f"{TAG}:{p}").stdout
        with open(os.path.join(VENDOR, p), "rb") as f:
            if f.read() != want:
                problems.append(f"{p}: differs from {TAG}:{p}")
    for line in problems:
        print("check_vendored: " + line)
    print(f"check_vendored: {len(tagged)} files of {TAG}, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
