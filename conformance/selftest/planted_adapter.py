#!/usr/bin/env python3
"""An adapter with one planted disagreement, for the self-test of `run.py --generate`.

    planted_adapter.py MODE 'COMMAND ARGS...' OPERATION ...   (COMMAND ARGS: a working adapter,
                                                              one shell-split argument)

speaks the per-call protocol by running the wrapped adapter and then planting MODE:
  dump-byte   an accepted compat read that holds events prints its dump with one byte changed
              (the first digit of the first "ts") -> WRONG_OUTPUT
  verdict     a rejected compat read is printed as accepted (the empty store's dump)
              -> SHOULD_HAVE_REJECTED
  serve-crash declares "serve" and answers the persistent protocol correctly, except that the
              server kills itself (SIGSEGV) on every 5th request -> CRASH for that request
              only; the runner must restart the server and go on
The other modes never declare "serve", so the runner calls them once per operation.
"""
from __future__ import annotations

import json
import os
import shlex
import signal
import struct
import subprocess
import sys
import tempfile

EMPTY = b'{"format_version":2,"flags":0,"evt_base_id":"0","kv":[],"events":[]}\n'


def _take(n: int) -> bytes:
    data = sys.stdin.buffer.read(n)
    if len(data) != n:
        raise EOFError
    return data


def serve(inner: list[str]) -> int:
    """The persistent protocol over per-call runs of the inner adapter."""
    out = sys.stdout.buffer
    for count in range(1, 1 << 30):
        try:
            header = json.loads(_take(struct.unpack(">I", _take(4))[0]))
            body = _take(struct.unpack(">I", _take(4))[0])
        except EOFError:
            return 0
        if count % 5 == 0:
            os.kill(os.getpid(), signal.SIGSEGV)
        op = header["op"]
        with tempfile.NamedTemporaryFile(suffix=".ace") as f:
            f.write(body)
            f.flush()
            args = [op] + ([f.name] if op == "read" else [])
            args += ["--profile", header["profile"]] if op != "write" else []
            done = subprocess.run(inner + args, input=None if op == "read" else body,
                                  capture_output=True, check=False)
            err = done.stderr.replace(f.name.encode(), header.get("file", "").encode())
        out.write(struct.pack(">II", done.returncode, len(done.stdout)) + done.stdout
                  + struct.pack(">I", len(err)) + err)
        out.flush()
    return 0


def main(argv: list[str]) -> int:
    mode, inner, args = argv[0], shlex.split(argv[1]), argv[2:]
    if args[:1] == ["adapter"]:
        # Wrapping the CLI itself (`acepack adapter ...`, the C reference of --generate).
        inner, args = inner + ["adapter"], args[1:]
    if mode == "serve-crash" and args == ["serve"]:
        return serve(inner)
    stdin = sys.stdin.buffer.read() if args and args[0] in ("write", "migrate") else None
    done = subprocess.run(inner + args, input=stdin, capture_output=True, check=False)
    out, code = done.stdout, done.returncode
    if args and args[0] == "capabilities":
        caps = json.loads(out)
        caps.pop("serve", None)
        if mode == "serve-crash":
            caps["serve"] = True
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
