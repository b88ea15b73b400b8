"""The runner's side of the persistent adapter protocol ("serve", conformance/README.md).

    request  = u32 H, H bytes header (UTF-8 JSON object), u32 B, B bytes body
    response = u32 STATUS, u32 O, O bytes stdout, u32 E, E bytes stderr
(all integers u32 big-endian). One Server is one `ADAPTER serve` process, used by one worker
thread at a time. Requests are written and responses read in one select() loop (pipelined: a
batch of requests is written while the responses come back), so that neither side can block
the other on a full pipe (the server's free-form stderr is drained
there too; its tail explains a crash). A server that dies or answers garbage before a
complete response makes that request a CRASH; one that uses more CPU time than the limit (or
does not answer within the wall-clock backstop) gets its process group killed and the request
a TIMEOUT. Either way the server is discarded and the adapter starts a new one on demand.
"""
from __future__ import annotations

import json
import os
import selectors
import signal
import struct
import subprocess
import time

from . import adapter as ad
from . import limits as lim

POLL = 0.1          # seconds between CPU-time checks while no byte arrives
STDERR_TAIL = 4096  # bytes of the server's own stderr kept for crash details
U32 = struct.Struct(">I")


def frame(header: dict, body: bytes) -> bytes:
    head = json.dumps(header, separators=(",", ":")).encode("utf-8")
    return U32.pack(len(head)) + head + U32.pack(len(body)) + body


def response_size(buf: bytes | bytearray) -> int | None:
    """Size of the complete response at the start of `buf`, None while it is incomplete
    (reads only the length fields: no copy of a response of many megabytes)."""
    if len(buf) < 8:
        return None
    n_out = U32.unpack_from(buf, 4)[0]
    if len(buf) < 12 + n_out:
        return None
    size = 12 + n_out + U32.unpack_from(buf, 8 + n_out)[0]
    return size if len(buf) >= size else None


def parse_response(buf: bytes) -> tuple[int, bytes, bytes]:
    """(STATUS, stdout, stderr) of a complete response."""
    status, n_out = U32.unpack_from(buf, 0)[0], U32.unpack_from(buf, 4)[0]
    n_err = U32.unpack_from(buf, 8 + n_out)[0]
    return status, buf[8:8 + n_out], buf[12 + n_out:12 + n_out + n_err]


class Server:
    def __init__(self, argv: list[str], limits: lim.Limits):
        self.argv = argv + ["serve"]
        self.limits = limits
        self.usable = True
        self.stderr_tail = b""
        self.start_error = ""
        try:
            self.proc: subprocess.Popen | None = subprocess.Popen(
                self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, start_new_session=True, bufsize=0)
        except OSError as e:
            self.proc, self.usable = None, False
            self.start_error = f"cannot start `{' '.join(self.argv)}`: {e.strerror or e}"
            return
        lim.no_core_files(self.proc.pid)
        for pipe in (self.proc.stdout, self.proc.stderr):
            os.set_blocking(pipe.fileno(), False)
        os.set_blocking(self.proc.stdin.fileno(), False)

    # --- requests -------------------------------------------------------------------------

    def request(self, header: dict, body: bytes) -> ad.Call:
        return self.batch([(header, body)])[0]

    def batch(self, requests: list[tuple[dict, bytes]]) -> list[ad.Call]:
        """Answers to `requests`, pipelined: every frame is written while the responses are
        read, so the round trips do not add up (--generate sends thousands). Each request
        has the limits of one call, counted from the end of the response before it. A
        server that dies or times out ends the list early: the request in flight is its
        last element (CRASH or TIMEOUT), the server is unusable, and the caller sends the
        rest to a fresh one."""
        start = time.monotonic()
        if self.proc is None:
            return [ad.Call(ad.CRASH, b"", self.start_error.encode(), 0.0, self.start_error)]
        pending = memoryview(b"".join(frame(h, b) for h, b in requests))
        calls: list[ad.Call] = []
        out = bytearray()
        measurable = lim.cpu_seconds(self.proc.pid) is not None
        sel = selectors.DefaultSelector()
        stdin, stdout, stderr = self.proc.stdin, self.proc.stdout, self.proc.stderr
        sel.register(stdout, selectors.EVENT_READ)
        sel.register(stderr, selectors.EVENT_READ)
        if pending:
            sel.register(stdin, selectors.EVENT_WRITE)
        try:
            while len(calls) < len(requests):
                # One request's limits run from the end of the previous response.
                cpu_start = None  # taken at the first check: most requests end before it
                next_check = start + POLL
                deadline = start + (self.limits.wall if measurable else self.limits.cpu)
                while True:
                    size = response_size(out)
                    if size is not None:
                        calls.append(self._answer(bytes(out[:size]), start))
                        del out[:size]
                        start = time.monotonic()
                        break
                    now = time.monotonic()
                    if now >= deadline:
                        calls.append(self._timeout(start, self.limits.describe_wall()
                                                   if measurable else
                                                   f"timeout after {self.limits.cpu:g} s"))
                        return calls
                    if measurable and now >= next_check:
                        next_check = now + POLL
                        used = lim.group_cpu_seconds(self.proc.pid)
                        if cpu_start is None:
                            cpu_start = used
                        elif used is not None and used - cpu_start > self.limits.cpu:
                            calls.append(self._timeout(start, self.limits.describe_cpu()))
                            return calls
                    for key, _mask in sel.select(timeout=min(POLL, deadline - now)):
                        if key.fileobj is stdin:
                            try:
                                sent = os.write(stdin.fileno(), pending[:65536])
                            except BlockingIOError:
                                continue
                            except (BrokenPipeError, OSError):
                                sel.unregister(stdin)  # it died: its EOF on stdout tells how
                                pending = pending[:0]
                                continue
                            pending = pending[sent:]
                            if not pending:
                                sel.unregister(stdin)
                            continue
                        chunk = self._read(key.fileobj)
                        if chunk is None:
                            continue
                        if not chunk:  # EOF
                            if key.fileobj is stdout:
                                calls.append(self._died(start, bytes(out)))
                                return calls
                            sel.unregister(stderr)
                        elif key.fileobj is stdout:
                            out += chunk
                        else:
                            self.stderr_tail = (self.stderr_tail + chunk)[-STDERR_TAIL:]
            if out:  # bytes nobody asked for: the stream is lost
                self.usable = False
                last = calls[-1]
                calls[-1] = ad.Call(ad.CRASH, last.stdout, last.stderr, last.duration,
                                    f"server wrote {len(out)} bytes after its response "
                                    "(framing error)")
            return calls
        finally:
            sel.close()

    @staticmethod
    def _read(pipe) -> bytes | None:
        try:
            return os.read(pipe.fileno(), 1 << 16)
        except BlockingIOError:
            return None

    def _answer(self, buf: bytes, start: float) -> ad.Call:
        status, out, err = parse_response(buf)
        kind = ad.KIND_OF_EXIT.get(status, ad.CRASH)
        return ad.Call(kind, out, err, time.monotonic() - start, f"exit {status} (serve)")

    def _timeout(self, start: float, what: str) -> ad.Call:
        self.usable = False
        self.kill()
        return ad.Call(ad.TIMEOUT, b"", self.stderr_tail, time.monotonic() - start,
                       what + " (serve; server killed)")

    def _died(self, start: float, partial: bytes) -> ad.Call:
        self.usable = False
        self.kill()
        code = self.proc.wait()
        if code in lim.CPU_SIGNALS:
            return ad.Call(ad.TIMEOUT, b"", self.stderr_tail, time.monotonic() - start,
                           self.limits.describe_cpu() + " (serve)")
        how = ad.exit_description(code)
        return ad.Call(ad.CRASH, b"", self.stderr_tail, time.monotonic() - start,
                       f"server died ({how}) after {len(partial)} bytes of a response; "
                       "restarted")

    # --- ending ---------------------------------------------------------------------------

    def kill(self) -> None:
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    def discard(self) -> None:
        if self.proc is None:
            return
        self.kill()
        self._close_pipes()
        self.proc.wait()

    def finish(self) -> str:
        """EOF on stdin; the server must exit 0. Returns a problem description or ''."""
        if self.proc is None:
            return ""
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            code = self.proc.wait(timeout=self.limits.wall)
        except subprocess.TimeoutExpired:
            self.kill()
            self._close_pipes()
            self.proc.wait()
            return "a server did not exit at the end of its input (killed)"
        self._close_pipes()
        return "" if code == 0 else f"a server ended with {ad.exit_description(code)} " \
                                    "at the end of its input (want exit 0)"

    def _close_pipes(self) -> None:
        for pipe in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            try:
                pipe.close()
            except OSError:
                pass
