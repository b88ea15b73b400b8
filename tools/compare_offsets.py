#!/usr/bin/env python3
"""Compare the rejections of two ACEPACK adapters: rule id and byte offset, case by case.

    python3 tools/compare_offsets.py --adapter 'c=build/acepack adapter' \
        --adapter 'python3 tools/pyacepack/acepack.py adapter' [--corpus corpus]

Conformance (conformance/run.py) judges verdicts and dumps; the byte offset of a rejection is
informative (spec 7.2). Two implementations that agree on every verdict can still point users
at different bytes, and spec 7.2 names the offset a reader should report. This tool runs every
`read` and `migrate` case of the corpus under every profile the case lists (and both adapters
declare) and prints each case where the two outcomes differ:

    index/n_dup_key@strict  c: R-IDX-7@141  python: R-IDX-7@153

An outcome is `RULE@OFFSET` for a rejection (exit 1 with a `FILE:OFFSET: RULE-ID: message`
line on stderr), `accept`, `unsupported`, `crash (...)` or `reject (no rule line)`. The last
line gives the counts. With --offsets-only, only rejections under the same rule are compared
(spec 7.2 lets a file that breaks several rules be reported under any of them). Exit status:
0 no difference, 1 at least one difference, 2 usage or setup error. Standard library only,
Python 3.11; the adapter protocol is the one of conformance/README.md.
"""
from __future__ import annotations

import argparse
import json
import re
import shlex
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "conformance"))
from acetest import limits  # noqa: E402 - the runner's CPU-time limits

# `FILE:OFFSET: RULE-ID: message`; FILE may contain colons, so the offset is the last `:N: `
# that is followed by a rule id.
_RULE_LINE = re.compile(r"^.*:(?P<offset>\d+): (?P<rule>[A-Z]+(?:-[A-Z0-9]+)*-\d+): ")


class SetupError(Exception):
    pass


@dataclass(frozen=True)
class Adapter:
    name: str
    argv: tuple


@dataclass(frozen=True)
class Outcome:
    """How one adapter call ended, reduced to what this tool compares."""
    verdict: str          # accept / reject / unsupported / crash
    rule: str | None = None
    offset: int | None = None
    detail: str = ""

    def __str__(self) -> str:
        if self.verdict == "reject":
            return f"{self.rule}@{self.offset}" if self.rule else "reject (no rule line)"
        if self.verdict == "crash":
            return f"crash ({self.detail})"
        return self.verdict


def parse_adapter(spec: str) -> Adapter:
    """`[NAME=]CMD ARGS...` as conformance/run.py takes it."""
    name = None
    m = re.match(r"^([A-Za-z0-9_.+-]+)=(.*)$", spec)
    if m and not m.group(1).startswith("-"):
        name, spec = m.group(1), m.group(2)
    argv = shlex.split(spec)
    if not argv:
        raise SetupError(f"empty adapter command {spec!r}")
    if name is None:
        name = Path(argv[-2] if len(argv) > 1 and argv[-1] == "adapter" else argv[0]).stem
    return Adapter(name, tuple(argv))


def outcome_of(returncode: int, stderr: bytes, detail: str = "") -> Outcome:
    if returncode == 0:
        return Outcome("accept")
    if returncode == 3:
        return Outcome("unsupported")
    if returncode == 1:
        for line in stderr.decode("utf-8", "replace").splitlines():
            m = _RULE_LINE.match(line)
            if m:
                return Outcome("reject", m.group("rule"), int(m.group("offset")))
        return Outcome("reject")
    return Outcome("crash", detail=detail or f"exit {returncode}")


def run(adapter: Adapter, args: list, stdin: bytes | None, timeout: float,
        wall: float | None = None) -> Outcome:
    """One call. `timeout` limits CPU time (the runner's limits: a busy machine cannot trip
    it), `wall` (default max(60, 6 x timeout)) is the backstop for adapters that block."""
    wall = wall or max(60.0, 6 * timeout)
    try:
        proc = subprocess.Popen(list(adapter.argv) + args, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, start_new_session=True,
                                stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL)
    except OSError as e:
        return Outcome("crash", detail=f"cannot start: {e}")
    if not limits.limit_child(proc.pid, timeout):
        wall = timeout  # CPU time cannot be limited here: the limit is wall-clock time
    try:
        _out, err = proc.communicate(stdin, timeout=wall)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        return Outcome("crash", detail=f"timeout after {wall:g} s")
    if proc.returncode in limits.CPU_SIGNALS:
        return Outcome("crash", detail=f"CPU time limit of {timeout:g} s exceeded")
    if proc.returncode < 0:
        return Outcome("crash", detail=f"signal {-proc.returncode}")
    return outcome_of(proc.returncode, err)


def capabilities_of(adapter: Adapter, timeout: float) -> tuple:
    """({"read", "migrate"} or a subset, {profiles}) as the adapter declares them."""
    try:
        proc = subprocess.run(list(adapter.argv) + ["capabilities"], capture_output=True,
                              stdin=subprocess.DEVNULL, timeout=max(60.0, 6 * timeout))
        caps = json.loads(proc.stdout.decode("utf-8")) if proc.returncode == 0 else None
    except (OSError, subprocess.TimeoutExpired, ValueError) as e:
        raise SetupError(f"{adapter.name}: `capabilities` failed: {e}") from None
    if not isinstance(caps, dict):
        raise SetupError(f"{adapter.name}: `capabilities` failed (exit {proc.returncode})")
    ops = {op for op in ("read", "migrate") if caps.get(op) is True}
    return ops, set(caps.get("profiles", ["strict"]))


def load_cases(corpus: Path, pattern: str | None) -> list:
    try:
        manifest = json.loads((corpus / "manifest.json").read_text("utf-8"))
    except (OSError, ValueError) as e:
        raise SetupError(f"cannot read {corpus / 'manifest.json'}: {e}") from None
    rx = re.compile(pattern) if pattern else None
    # Large cases (`sparse`) are left out: their file is made by conformance/run.py.
    return [c for c in manifest["cases"]
            if c["kind"] in ("read", "migrate") and "sparse" not in c
            and (rx is None or rx.search(c["id"]))]


def compare(adapters: list, corpus: Path, pattern: str | None, timeout: float, jobs: int,
            wall: float | None = None):
    """[(case id, profile, outcome A, outcome B)] for every call pair, in manifest order."""
    caps = [capabilities_of(a, timeout) for a in adapters]
    work = []
    for case in load_cases(corpus, pattern):
        path = corpus / case["path"]
        for profile in case["expect"]:
            if all(case["kind"] in ops and profile in profs for ops, profs in caps):
                work.append((case, path, profile))

    def one(item):
        case, path, profile = item
        if case["kind"] == "read":
            args, stdin = ["read", str(path), "--profile", profile], None
        else:
            args, stdin = ["migrate", "--profile", profile], path.read_bytes()
        return (case["id"], profile) + tuple(run(a, args, stdin, timeout, wall) for a in adapters)

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return list(pool.map(one, work))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--adapter", action="append", default=[], metavar="[NAME=]CMD",
                    help="adapter command; give exactly two")
    ap.add_argument("--corpus", default=str(ROOT / "corpus"),
                    help="corpus directory holding manifest.json (default: corpus/)")
    ap.add_argument("--filter", metavar="REGEX", help="only case ids matching (re.search)")
    ap.add_argument("--timeout", type=float, default=20.0,
                    help="CPU seconds per adapter call (default 20)")
    ap.add_argument("--wall-timeout", type=float, metavar="SEC",
                    help="wall-clock backstop per call (default max(60, 6 x --timeout))")
    ap.add_argument("-j", type=int, default=2, dest="jobs", help="cases in parallel")
    ap.add_argument("--offsets-only", action="store_true",
                    help="compare only results where both reject under the same rule")
    ap.add_argument("--json", metavar="FILE", help="also write the differences as JSON")
    args = ap.parse_args(argv)
    try:
        if len(args.adapter) != 2:
            raise SetupError("give exactly two --adapter options")
        adapters = [parse_adapter(s) for s in args.adapter]
        if adapters[0].name == adapters[1].name:
            adapters[1] = Adapter(adapters[1].name + "2", adapters[1].argv)
        rows = compare(adapters, Path(args.corpus), args.filter, args.timeout, args.jobs,
                       args.wall_timeout)
    except SetupError as e:
        print(f"compare_offsets: {e}", file=sys.stderr)
        return 2
    a, b = adapters
    if args.offsets_only:
        rows = [r for r in rows if r[2].verdict == r[3].verdict == "reject"
                and r[2].rule is not None and r[2].rule == r[3].rule]
    diffs = [r for r in rows if r[2] != r[3]]
    offset_only = sum(1 for _, _, x, y in diffs
                      if x.verdict == y.verdict == "reject" and x.rule == y.rule)
    for case_id, profile, x, y in diffs:
        print(f"{case_id}@{profile}  {a.name}: {x}  {b.name}: {y}")
    print(f"{len(diffs)} of {len(rows)} results differ ({offset_only} in the offset only, "
          f"{len(diffs) - offset_only} in verdict or rule)")
    if args.json:
        Path(args.json).write_text(json.dumps(
            {"adapters": [a.name, b.name], "compared": len(rows),
             "differences": [{"case": c, "profile": p,
                              a.name: {"verdict": x.verdict, "rule": x.rule, "offset": x.offset},
                              b.name: {"verdict": y.verdict, "rule": y.rule, "offset": y.offset}}
                             for c, p, x, y in diffs]}, indent=1) + "\n", "utf-8")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
