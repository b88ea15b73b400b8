"""Talking to one adapter: the command line protocol of conformance/README.md.

Every call runs the adapter as a fresh process (no shell), in its own process group so that
a timeout kills whatever the adapter started, and classifies how it ended. The meaning of an
outcome for a given test case is decided elsewhere (acetest/checks.py).
"""
from __future__ import annotations

import json
import os
import re
import shlex
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

# Exit codes of the protocol (README "Exit codes"); anything else is a crash.
EXIT_OK = 0
EXIT_REJECT = 1
EXIT_UNSUPPORTED = 3

# How a single adapter call ended.
OK, REJECT, UNSUPPORTED, CRASH, TIMEOUT = "ok", "reject", "unsupported", "crash", "timeout"

# `FILE:OFFSET: RULE-ID: message` (FILE may itself contain colons, so match from the right).
_RULE_LINE = re.compile(r"^(?P<file>.*):(?P<offset>\d+): (?P<rule>[A-Z]+(?:-[A-Z0-9]+)*-\d+): ")

_INTERPRETERS = {"python", "python3", "py", "node", "deno", "bun", "ruby", "perl", "java",
                 "sh", "bash", "env", "dotnet", "go", "cargo", "npx"}


class AdapterError(Exception):
    """The adapter cannot be used at all (missing program, broken capabilities)."""


@dataclass
class Call:
    """One finished adapter process."""
    kind: str                 # OK / REJECT / UNSUPPORTED / CRASH / TIMEOUT
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

    def describe(self) -> str:
        ops = [op for op in ("read", "write", "migrate") if getattr(self, op)] or ["nothing"]
        return " ".join(ops) + "; profiles " + " ".join(self.profiles)

    def as_json(self) -> dict:
        return {"read": self.read, "write": self.write, "migrate": self.migrate,
                "profiles": list(self.profiles)}


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


def _exit_description(code: int) -> str:
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
    """An adapter command (already split into argv) plus its capabilities."""

    def __init__(self, name: str, argv: list[str], timeout: float):
        self.name = name
        self.argv = argv
        self.timeout = timeout
        self.caps = Capabilities()

    @property
    def command(self) -> str:
        return shlex.join(self.argv)

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
        try:
            out, err = proc.communicate(stdin, timeout=self.timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            out, err = _drain(proc)
            return Call(TIMEOUT, out, err, time.monotonic() - start,
                        f"timeout after {self.timeout:g} s")
        duration = time.monotonic() - start
        code = proc.returncode
        kind = {EXIT_OK: OK, EXIT_REJECT: REJECT, EXIT_UNSUPPORTED: UNSUPPORTED}.get(code, CRASH)
        return Call(kind, out, err, duration, _exit_description(code))

    # The four protocol commands -------------------------------------------------------

    def read(self, path: Path, profile: str) -> Call:
        return self.call(["read", str(path), "--profile", profile])

    def write(self, dump: bytes) -> Call:
        return self.call(["write"], stdin=dump)

    def migrate(self, v1: bytes, profile: str) -> Call:
        return self.call(["migrate", "--profile", profile], stdin=v1)

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
