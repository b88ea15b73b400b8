#!/usr/bin/env python3
"""A deliberately broken ACEPACK adapter, for testing the conformance runner itself.

    broken_adapter.py MODE adapter COMMAND ARGS...

wraps a working adapter (ACEPACK_SELFTEST_ADAPTER, split like a shell command; default: the
Python implementation tools/pyacepack/acepack.py) and breaks it the MODE way. Each mode must
make conformance/run.py report a specific failing status (see run_selftest.py).
"""
from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

try:
    import resource
except ImportError:  # pragma: no cover - not POSIX
    resource = None  # type: ignore[assignment]

REPO = Path(__file__).resolve().parents[2]
DEFAULT_INNER = [sys.executable, str(REPO / "tools" / "pyacepack" / "acepack.py"), "adapter"]

# The dump of the empty store (spec section 11 example).
FIXED_DUMP = b'{"format_version":2,"flags":0,"evt_base_id":"0","kv":[],"events":[]}\n'


def inner_argv() -> list[str]:
    text = os.environ.get("ACEPACK_SELFTEST_ADAPTER")
    return shlex.split(text) if text else DEFAULT_INNER


def run_inner(args: list[str], stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(inner_argv() + args, input=stdin, capture_output=True, check=False)


def pass_through(result: subprocess.CompletedProcess, stdout: bytes | None = None) -> int:
    sys.stdout.buffer.write(result.stdout if stdout is None else stdout)
    sys.stderr.buffer.write(result.stderr)
    return result.returncode


def stdin_if_needed(args: list[str]) -> bytes | None:
    return sys.stdin.buffer.read() if args and args[0] in ("write", "migrate") else None


# --- the breakages --------------------------------------------------------------------------

def accept_everything(args: list[str]) -> int:
    """Every read succeeds with the same dump: n_ cases must become SHOULD_HAVE_REJECTED."""
    if args[0] == "read":
        sys.stdout.buffer.write(FIXED_DUMP)
        return 0
    return pass_through(run_inner(args, stdin_if_needed(args)))


def always_crash(args: list[str]) -> int:
    """Reads abort (SIGABRT), writes and migrations exit 139: CRASH."""
    if args[0] == "read":
        if resource is not None:  # no core file in the developer's tree
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        os.abort()
    stdin_if_needed(args)
    return 139


def one_wrong_value(args: list[str]) -> int:
    """Dumps with events get the first event's ts changed by one digit: WRONG_OUTPUT."""
    result = run_inner(args, stdin_if_needed(args))
    if args[0] != "read" or result.returncode != 0:
        return pass_through(result)
    m = re.search(rb'"ts":"(\d+)"', result.stdout)
    if not m:
        return pass_through(result)
    digit = m.start(1) + len(m.group(1)) - 1
    flipped = b"1" if result.stdout[digit:digit + 1] != b"1" else b"2"
    return pass_through(result, result.stdout[:digit] + flipped + result.stdout[digit + 1:])


def lossy_round_trip(args: list[str]) -> int:
    """The writer silently drops the last KV entry: ROUNDTRIP_MISMATCH / WRONG_OUTPUT."""
    data = stdin_if_needed(args)
    if args[0] == "write" and data is not None:
        data = drop_last_kv_line(data)
    return pass_through(run_inner(args, data))


def drop_last_kv_line(dump: bytes) -> bytes:
    """Remove the last element of the `kv` array of a dump in the D-1 layout."""
    lines = dump.split(b"\n")
    end = next((i for i, line in enumerate(lines) if line.startswith(b'],"events":')), None)
    if end is None or end < 2:
        return dump  # empty kv: nothing to drop
    del lines[end - 1]
    if end - 2 >= 1:
        lines[end - 2] = lines[end - 2].rstrip(b",")
    if end - 1 == 1:  # the kv array is now empty: `[` LF `]` becomes `[]`
        lines[0:2] = [lines[0] + b"]" + lines[1][1:]]
    return b"\n".join(lines)


def hangs(args: list[str]) -> int:
    """Reads never finish: TIMEOUT (the runner must kill us)."""
    if args[0] == "read":
        time.sleep(3600)
    return pass_through(run_inner(args, stdin_if_needed(args)))


def wrong_exit_code(args: list[str]) -> int:
    """Rejections exit 2 (a usage error code) instead of 1: CRASH on every n_ case."""
    result = run_inner(args, stdin_if_needed(args))
    code = pass_through(result)
    return 2 if code == 1 else code


def sloppy_dump(args: list[str]) -> int:
    """Dumps are pretty-printed JSON (same content, wrong layout): WRONG_OUTPUT, including for
    accepted cases that have no expected dump (the runner's dump validity check)."""
    result = run_inner(args, stdin_if_needed(args))
    if args[0] != "read" or result.returncode != 0:
        return pass_through(result)
    pretty = json.dumps(json.loads(result.stdout), indent=1, ensure_ascii=False) + "\n"
    return pass_through(result, pretty.encode("utf-8"))


def wrong_rule(args: list[str]) -> int:
    """Rejections name a rule that no case lists: a RULE_MISMATCH warning."""
    result = run_inner(args, stdin_if_needed(args))
    if result.returncode == 1:
        result.stderr = re.sub(rb": [A-Z]+(-[A-Z0-9]+)*-\d+: ", b": R-XXX-99: ", result.stderr,  # check_rules: ignore
                               count=1)
    return pass_through(result)


def wrong_offset(args: list[str]) -> int:
    """Rejections name the right rule one byte too far: an offset-mismatch warning (spec 7.2
    offsets are informative), never a failure."""
    result = run_inner(args, stdin_if_needed(args))
    if result.returncode == 1:
        result.stderr = re.sub(rb":(\d+): (?=[A-Z]+(?:-[A-Z0-9]+)*-\d+: )",
                               lambda m: b":%d: " % (int(m.group(1)) + 1), result.stderr, count=1)
    return pass_through(result)


MODES = {
    "accept-everything": accept_everything,
    "always-crash": always_crash,
    "one-wrong-value": one_wrong_value,
    "lossy-round-trip": lossy_round_trip,
    "hangs": hangs,
    "wrong-exit-code": wrong_exit_code,
    "wrong-rule": wrong_rule,
    "wrong-offset": wrong_offset,
    "sloppy-dump": sloppy_dump,
}


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[0] not in MODES or argv[1] != "adapter":
        print(f"usage: broken_adapter.py {{{','.join(MODES)}}} adapter COMMAND ...",
              file=sys.stderr)
        return 2
    args = argv[2:]
    if args[0] == "capabilities":
        return pass_through(run_inner(args))
    return MODES[argv[0]](args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
