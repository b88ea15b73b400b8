"""Talking to one adapter: the protocols of conformance/README.md.

Per call, the adapter runs as a fresh process (no shell), in its own process group so that
a timeout kills whatever the adapter started. An adapter whose capabilities declare
`"serve": true` answers read/write/migrate requests in persistent servers instead
(acetest/serve.py). Either way a call ends as a Call, classified by its exit status; the
meaning of an outcome for a given test case is decided elsewhere (acetest/checks.py).
"""
from __future__ import annotations

import json
import os
import re
import shlex
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import limits as lim

# Exit codes of the protocol (README "Exit codes"); anything else is a crash.
EXIT_OK = 0
EXIT_REJECT = 1
EXIT_UNSUPPORTED = 3
EXIT_ADAPTER_ERROR = 4   # the adapter's own internal error (an exception it caught)

# How a single adapter call ended.
OK, REJECT, UNSUPPORTED, CRASH, TIMEOUT = "ok", "reject", "unsupported", "crash", "timeout"
ADAPTER_ERROR = "adapter-error"
KIND_OF_EXIT = {EXIT_OK: OK, EXIT_REJECT: REJECT, EXIT_UNSUPPORTED: UNSUPPORTED,
                EXIT_ADAPTER_ERROR: ADAPTER_ERROR}

# `FILE:OFFSET: RULE-ID: message` (FILE may itself contain colons, so match from the right).
_RULE_LINE = re.compile(r"^(?P<file>.*):(?P<offset>\d+): (?P<rule>[A-Z]+(?:-[A-Z0-9]+)*-\d+): ")

_INTERPRETERS = {"python", "python3", "py", "node", "deno", "bun", "ruby", "perl", "java",
                 "sh", "bash", "env", "dotnet", "go", "cargo", "npx"}


class AdapterError(Exception):
    """The adapter cannot be used at all (missing program, broken capabilities)."""


@dataclass
class Call:
    """One finished adapter process."""
    kind: str                 # OK / REJECT / UNSUPPORTED / ADAPTER_ERROR / CRASH / TIMEOUT
    stdout: bytes
    stderr: bytes
    duration: float
    exit_desc: str            # "exit 0", "signal SIGABRT", "timeout after 10 s"

    def stderr_line(self) -> str:
        """The first non-empty stderr line, shortened, for one-line details."""
        for line in self.stderr.decode("utf-8", "replace").splitlines():
            if line.strip():
                return line.strip()[:160]
        return ""

    def rule(self) -> str | None:
        """The rule id of the first `FILE:OFFSET: RULE-ID: message` line on stderr."""
        found = self.rejection()
        return found[0] if found else None

    def rejection(self) -> tuple[str, int] | None:
        """(RULE-ID, OFFSET) of the first `FILE:OFFSET: RULE-ID: message` line on stderr."""
        for line in self.stderr.decode("utf-8", "replace").splitlines():
            m = _RULE_LINE.match(line)
            if m:
                return m.group("rule"), int(m.group("offset"))
        return None


@dataclass
class Capabilities:
    read: bool = False
    write: bool = False
    migrate: bool = False
    profiles: list[str] = field(default_factory=lambda: ["strict"])
    name: str | None = None
    serve: bool = False

    def describe(self) -> str:
        ops = [op for op in ("read", "write", "migrate") if getattr(self, op)] or ["nothing"]
        return (" ".join(ops) + "; profiles " + " ".join(self.profiles)
                + ("; serve" if self.serve else ""))

    def as_json(self) -> dict:
        return {"read": self.read, "write": self.write, "migrate": self.migrate,
                "profiles": list(self.profiles), "serve": self.serve}


def derive_name(argv: list[str]) -> str:
    """A short display name from a command: the program (or script) name without extension."""
    for token in argv:
        if token.startswith("-"):
            continue
        base = Path(token).name
        stem = base.split(".")[0] or base
        if stem not in _INTERPRETERS and not re.fullmatch(r"python3?(\.\d+)?", base):
            return stem
    return Path(argv[0]).name if argv else "adapter"


def exit_description(code: int) -> str:
    if code < 0:
        try:
            return "signal " + signal.Signals(-code).name
        except ValueError:
            return f"signal {-code}"
    return f"exit {code}"


def _kill_group(proc: subprocess.Popen) -> None:
    """Kill the adapter and everything it started (it leads its own session)."""
    try:
        if hasattr(os, "killpg"):
            os.killpg(proc.pid, signal.SIGKILL)
        else:  # pragma: no cover - non-POSIX
            proc.kill()
    except (ProcessLookupError, PermissionError):
        pass


class Adapter:
    """An adapter command (already split into argv) plus its capabilities. When the adapter
    declares `serve` (and the runner allows it), read/write/migrate go to a pool of
    persistent servers, at most one per worker thread."""

    def __init__(self, name: str, argv: list[str], limits: lim.Limits, allow_serve: bool = True):
        self.name = name
        self.argv = argv
        self.limits = limits
        self.allow_serve = allow_serve
        self.caps = Capabilities()
        self.warnings: list[str] = []
        self._idle: list = []          # serve.Server objects not in use
        self._lock = threading.Lock()

    @property
    def command(self) -> str:
        return shlex.join(self.argv)

    @property
    def serving(self) -> bool:
        return self.caps.serve and self.allow_serve

    def call(self, args: list[str], stdin: bytes | None = None) -> Call:
        """Run `ADAPTER args...` with optional stdin bytes; never raises for adapter faults."""
        start = time.monotonic()
        try:
            proc = subprocess.Popen(
                self.argv + args,
                stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                start_new_session=True)
        except OSError as e:
            return Call(CRASH, b"", str(e).encode(), time.monotonic() - start,
                        f"cannot start: {e.strerror or e}")
        cpu_limited = lim.limit_child(proc.pid, self.limits.cpu)
        wall = self.limits.wall if cpu_limited else self.limits.cpu
        try:
            out, err = proc.communicate(stdin, timeout=wall)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            out, err = _drain(proc)
            what = self.limits.describe_wall() if cpu_limited else f"timeout after {wall:g} s"
            return Call(TIMEOUT, out, err, time.monotonic() - start, what)
        duration = time.monotonic() - start
        code = proc.returncode
        if code in lim.CPU_SIGNALS:
            _kill_group(proc)  # helpers it started share the fate
            return Call(TIMEOUT, out, err, duration, self.limits.describe_cpu())
        return Call(KIND_OF_EXIT.get(code, CRASH), out, err, duration, exit_description(code))

    # The four protocol commands -------------------------------------------------------

    def read(self, path: Path, profile: str, per_call: bool = False) -> Call:
        """per_call: even for a serving adapter (a large case's file does not fit the serve
        framing's u32 body length, and is best left on disk for the adapter to map)."""
        if self.serving and not per_call:
            return self._request({"op": "read", "profile": profile, "file": str(path)},
                                 path.read_bytes())
        return self.call(["read", str(path), "--profile", profile])

    def write(self, dump: bytes) -> Call:
        if self.serving:
            return self._request({"op": "write", "file": "<stdin>"}, dump)
        return self.call(["write"], stdin=dump)

    def migrate(self, v1: bytes, profile: str) -> Call:
        if self.serving:
            return self._request({"op": "migrate", "profile": profile, "file": "<stdin>"}, v1)
        return self.call(["migrate", "--profile", profile], stdin=v1)

    def request(self, header: dict, body: bytes, workdir: Path | None = None) -> Call:
        """One request of the serve framing ({"op","profile","file"} + body), whatever
        protocol the adapter speaks. Per call, a read gets its body through a temporary
        file (in `workdir`), named in the diagnostic as the header's `file`."""
        return self.batch([(header, body)], workdir)[0]

    def batch(self, requests: list[tuple[dict, bytes]], workdir: Path | None = None
              ) -> list[Call]:
        """The answers to many requests, in order; pipelined through one server when the
        adapter serves. A server that dies fails only the request in flight; the rest go to
        a fresh server."""
        if not self.serving:
            return [self._per_call(h, b, workdir) for h, b in requests]
        from . import serve  # noqa: PLC0415 - only adapters that serve need it
        calls: list[Call] = []
        while len(calls) < len(requests):
            with self._lock:
                server = self._idle.pop() if self._idle else None
            if server is None:
                server = serve.Server(self.argv, self.limits)
            calls += server.batch(requests[len(calls):])
            if server.usable:
                with self._lock:
                    self._idle.append(server)
            else:
                server.discard()  # the next request starts a fresh one
        return calls

    def _per_call(self, header: dict, body: bytes, workdir: Path | None) -> Call:
        op = header["op"]
        if op == "write":
            return self.call(["write"], stdin=body)
        if op == "migrate":
            return self.call(["migrate", "--profile", header["profile"]], stdin=body)
        fd, path = tempfile.mkstemp(suffix=".ace", dir=workdir)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(body)
            call = self.call(["read", path, "--profile", header["profile"]])
        finally:
            os.unlink(path)
        call.stderr = call.stderr.replace(path.encode(), header["file"].encode())
        return call

    def _request(self, header: dict, body: bytes) -> Call:
        return self.batch([(header, body)])[0]

    def close(self) -> None:
        """End every idle server (EOF on its stdin; it must exit 0)."""
        with self._lock:
            servers, self._idle = self._idle, []
        for server in servers:
            problem = server.finish()
            if problem:
                self.warnings.append(f"{self.name}: {problem}")

    def load_capabilities(self) -> Capabilities:
        """Ask `ADAPTER capabilities` and validate the answer (AdapterError if unusable)."""
        call = self.call(["capabilities"])
        if call.kind != OK:
            detail = call.stderr_line() or call.exit_desc
            raise AdapterError(f"`{self.command} capabilities` failed ({call.exit_desc}): {detail}")
        try:
            obj = json.loads(call.stdout.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as e:
            raise AdapterError(f"`capabilities` did not print a JSON object: {e}") from None
        self.caps = parse_capabilities(obj)
        return self.caps


def parse_capabilities(obj: object) -> Capabilities:
    if not isinstance(obj, dict):
        raise AdapterError("`capabilities` must print a JSON object")
    caps = Capabilities()
    for op in ("read", "write", "migrate"):
        value = obj.get(op, False)
        if not isinstance(value, bool):
            raise AdapterError(f"capabilities: `{op}` must be true or false")
        setattr(caps, op, value)
    profiles = obj.get("profiles", ["strict"])
    if not (isinstance(profiles, list) and all(isinstance(p, str) for p in profiles)):
        raise AdapterError("capabilities: `profiles` must be a list of strings")
    caps.profiles = profiles
    name = obj.get("name")
    caps.name = name if isinstance(name, str) and name else None
    serve = obj.get("serve", False)
    if not isinstance(serve, bool):
        raise AdapterError("capabilities: `serve` must be true or false")
    caps.serve = serve
    return caps


def _drain(proc: subprocess.Popen) -> tuple[bytes, bytes]:
    """Collect what a killed adapter wrote; give up quickly if a stray process holds the pipes."""
    try:
        return proc.communicate(timeout=2)
    except subprocess.TimeoutExpired:
        proc.kill()
        for pipe in (proc.stdout, proc.stderr):
            if pipe:
                pipe.close()
        proc.wait()
        return b"", b""
