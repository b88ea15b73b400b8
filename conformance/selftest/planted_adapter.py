#!/usr/bin/env python3
"""An adapter with one planted disagreement, for the self-test of `run.py --generate`.

    planted_adapter.py MODE 'COMMAND ARGS...' OPERATION ...   (COMMAND ARGS: a working adapter,
                                                              one shell-split argument)

speaks the per-call protocol by running the wrapped adapter and then planting MODE:
  dump-byte   an accepted compat read that holds events prints its dump with one byte changed
              (the first digit of the first "ts") -> WRONG_OUTPUT
  verdict     a rejected compat read is printed as accepted (the empty store's dump)
              -> SHOULD_HAVE_REJECTED
It never declares "serve", so the runner calls it once per operation.
"""
from __future__ import annotations

import json
import shlex
import subprocess
import sys

EMPTY = b'{"format_version":2,"flags":0,"evt_base_id":"0","kv":[],"events":[]}\n'


def main(argv: list[str]) -> int:
    mode, inner, args = argv[0], shlex.split(argv[1]), argv[2:]
    stdin = sys.stdin.buffer.read() if args and args[0] in ("write", "migrate") else None
    done = subprocess.run(inner + args, input=stdin, capture_output=True, check=False)
    out, code = done.stdout, done.returncode
    if args and args[0] == "capabilities":
        caps = json.loads(out)
        caps.pop("serve", None)
        out = json.dumps(caps).encode() + b"\n"
    compat = args[:1] == ["read"] and "compat" in args
    if compat and mode == "dump-byte" and code == 0 and b'"ts":"' in out:
        at = out.index(b'"ts":"') + 6
        out = out[:at] + (b"9" if out[at:at + 1] != b"9" else b"8") + out[at + 1:]
    if compat and mode == "verdict" and code == 1:
        out, code = EMPTY, 0
        done = subprocess.CompletedProcess(done.args, 0, EMPTY, b"")   # no diagnostic left
    sys.stdout.buffer.write(out)
    sys.stderr.buffer.write(done.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
