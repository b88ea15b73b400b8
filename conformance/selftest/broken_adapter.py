#!/usr/bin/env python3
"""A deliberately broken ACEPACK adapter, for testing the conformance runner itself.

    broken_adapter.py MODE adapter COMMAND ARGS...

wraps a working adapter (ACEPACK_SELFTEST_ADAPTER, split like a shell command; default: the
Python implementation tools/pyacepack/acepack.py) and breaks it the MODE way. Each mode must
make conformance/run.py report a specific failing status (see run_selftest.py).
"""
from __future__ import annotations

import io
import json
import os
import re
import shlex
import struct
import subprocess
import sys
import time

try:
    import resource
except ImportError:  # pragma: no cover - not POSIX
    resource = None  # type: ignore[assignment]

# os.path, not pathlib: this script starts once per call in the per-call modes, and pathlib's
# import is a third of such a start.
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))
DEFAULT_INNER = [sys.executable, os.path.join(REPO, "tools", "pyacepack", "acepack.py"), "adapter"]

# The dump of the empty store (spec section 11 example).
FIXED_DUMP = b'{"format_version":2,"flags":0,"evt_base_id":"0","kv":[],"events":[]}\n'


def inner_argv() -> list[str]:
    text = os.environ.get("ACEPACK_SELFTEST_ADAPTER")
    return shlex.split(text) if text else DEFAULT_INNER


def run_inner(args: list[str], stdin: bytes | None = None) -> subprocess.CompletedProcess:
    if INNER_SERVER is not None:
        return INNER_SERVER.call(args, stdin)
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
    """Rejections name a rule the spec defines but no read case lists (D-1, a dump rule): a
    RULE_MISMATCH warning, a failure with --strict-rules."""
    result = run_inner(args, stdin_if_needed(args))
    if result.returncode == 1:
        result.stderr = re.sub(rb":(\d+): [A-Z]+(?:-[A-Z0-9]+)*-\d+: ", rb":\1: D-1: ",
                               result.stderr, count=1)
    return pass_through(result)


def undefined_rule(args: list[str]) -> int:
    """Every rejection (write ones included) claims a rule the spec does not define:
    REJECTED_WITHOUT_DIAGNOSTIC, also for write cases."""
    result = run_inner(args, stdin_if_needed(args))
    if result.returncode == 1:
        result.stderr = b"<stdin>:0: W-XXX-99: made up\n" + re.sub(  # check_rules: ignore
            rb":(\d+): [A-Z]+(?:-[A-Z0-9]+)*-\d+: ", rb":\1: R-XXX-99: ",  # check_rules: ignore
            result.stderr, count=1)
        if args[0] != "write":
            result.stderr = result.stderr.split(b"\n", 1)[1]
    return pass_through(result)


def crash_exit_1(args: list[str]) -> int:
    """Where the real adapter rejects, this one dies of an uncaught exception, and Python
    exits 1 for it (so do Node, Ruby...): REJECTED_WITHOUT_DIAGNOSTIC, never a PASS."""
    result = run_inner(args, stdin_if_needed(args))
    if result.returncode == 1:
        raise IndexError("list index out of range (planted crash)")
    return pass_through(result)


def crash_exit_1_write(args: list[str]) -> int:
    """Reads and migrations are the real adapter's; where its writer refuses a dump, this one
    dies of an uncaught exception (exit 1): a write rejection needs its diagnostic line too,
    so REJECTED_WITHOUT_DIAGNOSTIC, never a PASS."""
    data = stdin_if_needed(args)
    result = run_inner(args, data)
    if args[0] == "write" and result.returncode == 1:
        raise KeyError("value_hex (planted crash in the writer)")
    return pass_through(result)


def internal_error(args: list[str]) -> int:
    """Reads fail with the protocol's internal-error status 4: ADAPTER_ERROR."""
    data = stdin_if_needed(args)
    if args[0] == "read":
        print("Traceback (most recent call last): ... (planted internal error)", file=sys.stderr)
        return 4
    return pass_through(run_inner(args, data))


def spins(args: list[str]) -> int:
    """Reads compute forever: TIMEOUT through the CPU-time limit (not the wall clock)."""
    if args[0] == "read":
        while True:
            pass
    return pass_through(run_inner(args, stdin_if_needed(args)))


def wrong_offset(args: list[str]) -> int:
    """Rejections name the right rule one byte too far: an offset-mismatch warning (spec 7.2
    offsets are informative), never a failure."""
    result = run_inner(args, stdin_if_needed(args))
    if result.returncode == 1:
        result.stderr = re.sub(rb":(\d+): (?=[A-Z]+(?:-[A-Z0-9]+)*-\d+: )",
                               lambda m: b":%d: " % (int(m.group(1)) + 1), result.stderr, count=1)
    return pass_through(result)


# --- a persistent server with a planted fault (serve protocol) -----------------------------

U32 = struct.Struct(">I")


def _read_exact(n: int) -> bytes | None:
    data = sys.stdin.buffer.read(n)
    return data if len(data) == n else None


def serve_faulty(fault: str) -> int:
    """`serve`: answers each request through the good adapter's own server, except the read of
    a file whose name contains $ACEPACK_SELFTEST_TRIGGER: there it writes half a response and
    dies (fault "die") or spins (fault "spin"). Each start appends a line to
    $ACEPACK_SELFTEST_LOG, so the test can count restarts."""
    global INNER_SERVER
    trigger = os.environ.get("ACEPACK_SELFTEST_TRIGGER", "\0")
    log = os.environ.get("ACEPACK_SELFTEST_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as f:
            f.write(f"start {os.getpid()}\n")
    out = sys.stdout.buffer
    while True:
        size = _read_exact(4)
        if size is None:
            return 0
        header = json.loads(_read_exact(U32.unpack(size)[0]) or b"{}")
        body = _read_exact(U32.unpack(_read_exact(4) or b"\0\0\0\0")[0]) or b""
        op, profile = header.get("op"), header.get("profile", "strict")
        if INNER_SERVER is None:   # not before the log line: a start is counted first
            INNER_SERVER = InnerServer(inner_argv())
        INNER_SERVER.body = body
        if op == "read" and trigger in header.get("file", ""):
            out.write(U32.pack(0) + U32.pack(1000) + b"{partial")
            out.flush()
            if fault == "die":
                os._exit(1)
            while True:
                pass
        args = {"read": ["read", "/dev/stdin", "--profile", profile], "write": ["write"],
                "migrate": ["migrate", "--profile", profile]}[op]
        result = run_inner(args, body)
        stderr = result.stderr.replace(b"/dev/stdin", header.get("file", "").encode())
        out.write(U32.pack(result.returncode) + U32.pack(len(result.stdout)) + result.stdout
                  + U32.pack(len(stderr)) + stderr)
        out.flush()


# --- the same breakages through the persistent protocol --------------------------------------
#
# Starting this script (and the good adapter) once per call costs most of the self-test's
# time. The modes that break *what* an adapter answers, not how its process ends, also run as
# `serve`: each request becomes the per-call arguments, the mode runs on them with stdin,
# stdout and stderr redirected to the request's body and the response, and run_inner()
# forwards to one persistent `serve` of the good adapter. Crashes, hangs, spins, exit 1 and
# exit 4 stay per call: how a process ends is what those modes test.

class InnerServer:
    """One `serve` process of the good adapter, answering per-call style arguments."""

    def __init__(self, argv: list[str]):
        self.proc = subprocess.Popen(argv + ["serve"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE)
        self.body = b""   # the body of the request being answered (the file a read reads)

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait()

    def call(self, args: list[str], stdin: bytes | None) -> subprocess.CompletedProcess:
        op = args[0]
        profile = args[args.index("--profile") + 1] if "--profile" in args else "strict"
        if op == "read":
            name = args[1]
            body = self.body
            header = {"op": "read", "profile": profile, "file": name}
        else:
            body = stdin or b""
            header = {"op": op, "file": "<stdin>"} if op == "write" else \
                {"op": op, "profile": profile, "file": "<stdin>"}
        head = json.dumps(header).encode()
        self.proc.stdin.write(U32.pack(len(head)) + head + U32.pack(len(body)) + body)
        self.proc.stdin.flush()
        status = U32.unpack(self._exact(4))[0]
        out = self._exact(U32.unpack(self._exact(4))[0])
        err = self._exact(U32.unpack(self._exact(4))[0])
        return subprocess.CompletedProcess(args, status, out, err)

    def _exact(self, n: int) -> bytes:
        data = self.proc.stdout.read(n)
        if len(data) != n:
            raise RuntimeError("the good adapter's server ended")
        return data


INNER_SERVER: InnerServer | None = None


class _Capture:
    """What a per-call mode writes, kept for one response (sys.stdout / sys.stderr)."""

    def __init__(self):
        self.buffer = io.BytesIO()

    def write(self, text: str) -> int:
        return self.buffer.write(text.encode("utf-8"))

    def flush(self) -> None:
        pass


def serve_mode(mode: str) -> int:
    """`serve` for a mode of SERVED_MODES: the per-call mode run once per request."""
    global INNER_SERVER
    INNER_SERVER = InnerServer(inner_argv())
    out = sys.stdout.buffer
    real = sys.stdin, sys.stdout, sys.stderr
    while True:
        size = _read_exact(4)
        if size is None:
            INNER_SERVER.close()
            return 0
        header = json.loads(_read_exact(U32.unpack(size)[0]) or b"{}")
        body = _read_exact(U32.unpack(_read_exact(4) or b"\0\0\0\0")[0]) or b""
        INNER_SERVER.body = body
        op, profile, name = header.get("op"), header.get("profile", "strict"), header.get("file")
        args = {"read": ["read", name, "--profile", profile], "write": ["write"],
                "migrate": ["migrate", "--profile", profile]}[op]
        stdin = io.TextIOWrapper(io.BytesIO(body))
        stdout, stderr = _Capture(), _Capture()
        sys.stdin, sys.stdout, sys.stderr = stdin, stdout, stderr
        try:
            status = MODES[mode](args)
        finally:
            sys.stdin, sys.stdout, sys.stderr = real
        got_out, got_err = stdout.buffer.getvalue(), stderr.buffer.getvalue()
        out.write(U32.pack(status) + U32.pack(len(got_out)) + got_out
                  + U32.pack(len(got_err)) + got_err)
        out.flush()


SERVED_MODES = {"accept-everything", "one-wrong-value", "lossy-round-trip", "sloppy-dump",
                "wrong-rule", "undefined-rule", "wrong-offset"}


MODES = {
    "accept-everything": accept_everything,
    "always-crash": always_crash,
    "one-wrong-value": one_wrong_value,
    "lossy-round-trip": lossy_round_trip,
    "hangs": hangs,
    "wrong-exit-code": wrong_exit_code,
    "wrong-rule": wrong_rule,
    "undefined-rule": undefined_rule,
    "crash-exit-1": crash_exit_1,
    "crash-exit-1-write": crash_exit_1_write,
    "internal-error": internal_error,
    "spins": spins,
    "wrong-offset": wrong_offset,
    "sloppy-dump": sloppy_dump,
}


SERVE_MODES = {"serve-dies": "die", "serve-spins": "spin"}


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[0] not in {**MODES, **SERVE_MODES} or argv[1] != "adapter":
        print(f"usage: broken_adapter.py {{{','.join([*MODES, *SERVE_MODES])}}} adapter "
              "COMMAND ...",
              file=sys.stderr)
        return 2
    args = argv[2:]
    if argv[0] in SERVE_MODES:
        if args[0] == "capabilities":
            caps = json.loads(run_inner(args).stdout)
            sys.stdout.write(json.dumps({**caps, "serve": True}))
            return 0
        if args[0] == "serve":
            return serve_faulty(SERVE_MODES[argv[0]])
        return pass_through(run_inner(args, stdin_if_needed(args)))
    if args[0] == "capabilities":
        caps = json.loads(run_inner(args).stdout)
        # Served modes serve when the good adapter does; the others speak per call only.
        caps["serve"] = argv[0] in SERVED_MODES and caps.get("serve") is True
        sys.stdout.write(json.dumps(caps))
        return 0
    if args[0] == "serve" and argv[0] in SERVED_MODES:
        return serve_mode(argv[0])
    return MODES[argv[0]](args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
