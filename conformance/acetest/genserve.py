"""Calling an adapter many times, fast: the persistent protocol ("serve") with a per-call fallback.

Used by --generate (acetest/generate.py), which makes far more calls than the corpus run. The
framing is the one of the team's shared protocol (conformance/README.md, "serve"):

    request  = u32 H, H bytes JSON header {"op","profile","file"}, u32 B, B bytes body
    response = u32 STATUS, u32 O, O bytes stdout, u32 E, E bytes stderr     (big-endian)

A server that dies before a complete response makes the request in flight a CRASH; one that
does not answer within the wall-clock backstop (--wall-timeout; unlike the corpus run, no CPU
limit is polled here) has its process group killed and the request is a TIMEOUT. Either
way the next request starts a fresh server. Adapters that do not declare `"serve": true` are
called once per operation through acetest.adapter (the body goes through a temporary file).
"""
from __future__ import annotations

import json
import os
import select
import signal
import struct
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from . import adapter as ad

_KINDS = ad.KIND_OF_EXIT   # exit 4 is ADAPTER_ERROR here too


class _Dead(Exception):
    """The server ended (EOF) or missed the deadline in the middle of a response."""

    def __init__(self, timeout: bool):
        super().__init__("timeout" if timeout else "eof")
        self.timeout = timeout


class Caller:
    """read / write / migrate on bytes, whatever protocol the adapter speaks."""

    def __init__(self, adapter: ad.Adapter, serve: bool, workdir: Path):
        self.adapter = adapter
        self.serve = serve
        self.workdir = workdir
        self.proc: subprocess.Popen | None = None
        self.restarts = 0
        self.calls = 0
        self._buf = bytearray()   # bytes of responses read ahead

    # --- the three operations ------------------------------------------------------------

    def read(self, data: bytes, profile: str, name: str) -> ad.Call:
        return self._call({"op": "read", "profile": profile, "file": name}, data)

    def write(self, dump: bytes) -> ad.Call:
        return self._call({"op": "write", "file": "<stdin>"}, dump)

    def migrate(self, data: bytes, profile: str) -> ad.Call:
        return self._call({"op": "migrate", "profile": profile, "file": "<stdin>"}, data)

    def batch(self, requests: list[tuple[dict, bytes]]) -> list[ad.Call]:
        """Many requests, pipelined when the adapter serves: all frames are written (by a
        thread) while the responses are read, so the round trips do not add up. A dead server
        fails only the request in flight; the rest go to a fresh server."""
        if not self.serve:
            return [self._call(h, b) for h, b in requests]
        out: list[ad.Call] = []
        pending = list(requests)
        while pending:
            self.calls += len(pending)
            if self.proc is None or self.proc.poll() is not None:
                started = self._restart()
                if started is not None:
                    return out + [started] * len(pending)
            frames = [_frame(h, b) for h, b in pending]
            writer = threading.Thread(target=_write_all, args=(self.proc.stdin, frames),
                                      daemon=True)
            writer.start()
            for k in range(len(pending)):
                call = self._response(time.monotonic())
                out.append(call)
                if call.kind in (ad.CRASH, ad.TIMEOUT) and self.proc is None:
                    self.calls -= len(pending) - k - 1
                    pending = pending[k + 1:]
                    break
            else:
                pending = []
            writer.join()
        return out

    def _restart(self) -> ad.Call | None:
        if self.proc is not None:
            self.restarts += 1
            self.close()
        try:
            self._start()
        except OSError as e:
            return ad.Call(ad.CRASH, b"", str(e).encode(), 0.0, f"cannot start: {e}")
        return None

    def close(self) -> None:
        if self.proc is None:
            return
        proc, self.proc = self.proc, None
        try:
            proc.stdin.close()
            proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            _kill(proc)
        for pipe in (proc.stdout, proc.stderr):
            if pipe:
                pipe.close()

    # --- dispatch ------------------------------------------------------------------------

    def _call(self, header: dict, body: bytes) -> ad.Call:
        self.calls += 1
        if self.serve:
            return self._served(header, body)
        op = header["op"]
        if op == "write":
            return self.adapter.write(body)
        if op == "migrate":
            return self.adapter.migrate(body, header["profile"])
        # read takes a path: the diagnostic names it, so the file is named like the request.
        fd, path = tempfile.mkstemp(suffix=".ace", dir=self.workdir)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(body)
            call = self.adapter.read(Path(path), header["profile"])
        finally:
            os.unlink(path)
        call.stderr = call.stderr.replace(path.encode(), header["file"].encode())
        return call

    def _start(self) -> None:
        self._buf.clear()
        # stderr of the server is free-form: it goes to a pipe nobody reads would block it,
        # so it is discarded.
        self.proc = subprocess.Popen(self.adapter.argv + ["serve"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     start_new_session=True, bufsize=0)

    def _served(self, header: dict, body: bytes) -> ad.Call:
        if self.proc is None or self.proc.poll() is not None:
            started = self._restart()
            if started is not None:
                return started
        start = time.monotonic()
        try:
            _write_all(self.proc.stdin, [_frame(header, body)])
        except OSError:
            pass   # the server died: the response read below says how
        return self._response(start)

    def _response(self, start: float) -> ad.Call:
        """Reads one response; a dead or late server makes it a CRASH or TIMEOUT call (and
        the server is gone: self.proc is None)."""
        deadline = start + self.adapter.limits.wall
        try:
            status, = struct.unpack(">I", self._take(4, deadline))
            out = self._take(struct.unpack(">I", self._take(4, deadline))[0], deadline)
            err = self._take(struct.unpack(">I", self._take(4, deadline))[0], deadline)
        except (_Dead, BrokenPipeError, OSError) as e:
            timeout = isinstance(e, _Dead) and e.timeout
            proc = self.proc
            _kill(proc)
            self.close()
            self.restarts += 1
            code = proc.returncode
            desc = (self.adapter.limits.describe_wall() if timeout else
                    "server died: " + (ad.exit_description(code) if code is not None
                                       else "end of stream"))
            return ad.Call(ad.TIMEOUT if timeout else ad.CRASH, b"", b"",
                           time.monotonic() - start, desc)
        kind = _KINDS.get(status, ad.CRASH)
        return ad.Call(kind, out, err, time.monotonic() - start, f"exit {status}")

    def _take(self, n: int, deadline: float) -> bytes:
        fd = self.proc.stdout.fileno()
        while len(self._buf) < n:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise _Dead(True)
            chunk = os.read(fd, max(1 << 16, n - len(self._buf)))
            if not chunk:
                raise _Dead(False)
            self._buf += chunk
        out = bytes(self._buf[:n])
        del self._buf[:n]
        return out


def _frame(header: dict, body: bytes) -> bytes:
    head = json.dumps(header, separators=(",", ":")).encode()
    return struct.pack(">I", len(head)) + head + struct.pack(">I", len(body)) + body


def _write_all(pipe, frames: list[bytes]) -> None:
    try:
        for frame in frames:
            view = memoryview(frame)
            while view:
                n = pipe.write(view)
                view = view[n:]
    except (OSError, ValueError):
        pass   # the server died or was killed: its responses tell


def _kill(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass


def declares_serve(adapter: ad.Adapter) -> bool:
    """Whether `capabilities` said "serve": true (asked again: the runner's Capabilities
    object may not carry the member)."""
    call = adapter.call(["capabilities"])
    try:
        return call.kind == ad.OK and json.loads(call.stdout.decode()).get("serve") is True
    except (UnicodeDecodeError, ValueError, AttributeError):
        return False
