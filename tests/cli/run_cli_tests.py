#!/usr/bin/env python3
"""Black-box tests of the `acepack` command line tool.

Every input file is written out here byte by byte (the 138-byte empty store of spec 8.3, the
241-byte worked example of spec Appendix B, hand mutations of them, and small files assembled
by `assemble_v2` below), and every expected output is written by hand from the spec. Nothing is
produced by the code under test.

    run_cli_tests.py --acepack BUILD/acepack [--group NAME] [--valgrind VALGRIND]

With --valgrind every call runs under `valgrind --error-exitcode=99 --leak-check=full`, so
that a memory error or a leak turns into a wrong exit status (99) and fails the check; the
rejected files are then a fixed sample (Runner.rejections), the full list runs natively.
With --forkrun as well (ctest's cli.valgrind.*), the calls run in one valgrind process, each
in a forked child of tests/cli/forkrun.c that runs the CLI's main(): the same checks without
a valgrind start (~0.6 s of CPU) per call.
Python 3.11, standard library only.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import select
import struct
import subprocess
import sys
import tempfile

# ---------------------------------------------------------------------------------------------
# Input files, from the spec
# ---------------------------------------------------------------------------------------------

def hexbytes(text: str) -> bytes:
    return bytes.fromhex("".join(text.split()))


def spec_version() -> str:
    """The version spec/ACEPACK.md states in its first lines ("Specification version: **X**")."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "spec",
                        "ACEPACK.md")
    with open(path, encoding="utf-8") as f:
        m = re.search(r"Specification version: \*\*([0-9.]+)\*\*", f.read(4096))
    assert m, "spec/ACEPACK.md states no version"
    return m.group(1)


# Spec 8.3: the empty store, exactly 138 bytes.
EMPTY_STORE = (hexbytes("""
    41 43 45 50 41 43 4b 00  00 00 00 02 00 00 00 00
    00 00 00 00 00 00 00 88  00 00 00 00 00 00 00 02
    00 00 00 00 00 00 00 80  00 00 00 00 00 00 00 80
    00 00 00 00 00 00 00 08  00 00 00 00 00 00 00 00""")
    + bytes(64)
    + hexbytes("00 00 00 00 00 00 00 00  7b 7d"))

# Spec Appendix B: keys 42 = x and a = y, one event; 241 bytes.
EXAMPLE = (hexbytes("""
    41 43 45 50 41 43 4b 00  00 00 00 02 00 00 00 00
    00 00 00 00 00 00 00 b3  00 00 00 00 00 00 00 3e
    00 00 00 00 00 00 00 8a  00 00 00 00 00 00 00 8a
    00 00 00 00 00 00 00 29  00 00 00 01 00 00 00 00""")
    + bytes(64)
    + hexbytes("""
    00 00 00 01 78
    00 00 00 01 79
    00 00 00 01
    00 00 01 8b cf e5 68 00
    01 02 00
    00 00 00
    00 00 00 00  00 00 00 0b
    00 00 00 0b
    7b 22 6b 65 79 22 3a 22 6b 22 7d""")
    + b'{"42":{"offset":128,"length":1},"a":{"offset":133,"length":1}}')

# Spec Appendix B: its conformance dump.
EXAMPLE_DUMP = (
    b'{"format_version":2,"flags":0,"evt_base_id":"0","kv":[\n'
    b'{"key":"42","value_hex":"78","value_utf8":"x"},\n'
    b'{"key":"a","value_hex":"79","value_utf8":"y"}\n'
    b'],"events":[\n'
    b'{"id":"1","ts":"1700000000000","kind":1,"source":2,"flags":0,'
    b'"payload_hex":"7b226b6579223a226b227d","payload_utf8":"{\\"key\\":\\"k\\"}"}\n'
    b']}\n')

# Spec section 11: the dump of the empty store.
EMPTY_DUMP = b'{"format_version":2,"flags":0,"evt_base_id":"0","kv":[],"events":[]}\n'

EXAMPLE_EVENT_JSON = (b'{"id":"1","ts":"1700000000000","kind":1,"source":2,"flags":0,'
                      b'"payload_hex":"7b226b6579223a226b227d","payload_utf8":"{\\"key\\":\\"k\\"}"}\n')


def mutate(data: bytes, at: int, new: bytes) -> bytes:
    return data[:at] + new + data[at + len(new):]


def with_index(base: bytes, index: bytes) -> bytes:
    """The worked example with another index text (same place, header length patched)."""
    return mutate(base[:179], 24, struct.pack(">Q", len(index))) + index


def key_json(key: str) -> str:
    # Spec 4.1 `string`: json.dumps with ensure_ascii=False writes exactly this form.
    return json.dumps(key, ensure_ascii=False)


def assemble_v2(kv: list[tuple[str, bytes]], events: list[tuple[int, int, int, int, bytes]] = (),
                base_id: int = 0) -> bytes:
    """A strict-valid v2 file: chunks in the given order from 128, the event section of spec
    3.3.1, the index (members in the same order) directly after it."""
    chunks, members, off = b"", [], 128
    for key, value in kv:
        members.append(f'{key_json(key)}:{{"offset":{off},"length":{len(value)}}}')
        chunks += struct.pack(">I", len(value)) + value
        off += 4 + len(value)
    n = len(events)
    pad = (4 - n % 4) % 4
    sec = struct.pack(">I", n)
    sec += b"".join(struct.pack(">Q", e[0]) for e in events)
    sec += bytes(e[1] for e in events) + bytes(e[2] for e in events) + bytes(e[3] for e in events)
    sec += bytes(pad)
    pos = 0
    offs, lens = b"", b""
    for e in events:
        offs += struct.pack(">I", pos)
        lens += struct.pack(">I", len(e[4]))
        pos += len(e[4])
    pool = b"".join(e[4] for e in events)
    sec += offs + lens + struct.pack(">I", len(pool)) + pool
    index = ("{" + ",".join(members) + "}").encode()
    chunk_end = 128 + len(chunks)
    header = (b"ACEPACK\0" + struct.pack(">II", 2, 0)
              + struct.pack(">QQQQQ", chunk_end + len(sec), len(index), chunk_end, chunk_end,
                            len(sec))
              + struct.pack(">II", n, base_id) + bytes(64))
    return header + chunks + sec + index


def assemble_v1(kv: list[tuple[str, bytes]]) -> bytes:
    """A strict-valid v1 file (spec 6): 64-byte header, chunks from 64, the index after them."""
    chunks, members, off = b"", [], 64
    for key, value in kv:
        members.append(f'{key_json(key)}:{{"offset":{off},"length":{len(value)}}}')
        chunks += struct.pack(">I", len(value)) + value
        off += 4 + len(value)
    index = ("{" + ",".join(members) + "}").encode()
    return b"ACEPACK\0" + struct.pack(">IIQQ", 1, 0, off, len(index)) + bytes(32) + chunks + index


# Spot checks that the hand-written bytes are the spec's.
assert len(EMPTY_STORE) == 138 and len(EXAMPLE) == 241
assert assemble_v2([]) == EMPTY_STORE
assert assemble_v2([("42", b"x"), ("a", b"y")],
                   [(1700000000000, 1, 2, 0, b'{"key":"k"}')]) == EXAMPLE

FILES: dict[str, bytes] = {
    "empty.ace": EMPTY_STORE,
    "example.ace": EXAMPLE,
    # Header mutations of the worked example.
    "bad_magic.ace": mutate(EXAMPLE, 7, b"\x01"),                    # R-HDR-2
    "short40.ace": EXAMPLE[:40],                                     # R-HDR-1
    "zero.ace": b"",                                                 # R-HDR-1
    "short100.ace": EXAMPLE[:100],                                   # R-HDR-5 (and the regions)
    "version3.ace": mutate(EXAMPLE, 8, b"\x00\x00\x00\x03"),         # R-HDR-3
    "incompat_flag.ace": mutate(EXAMPLE, 12, b"\x00\x02\x00\x00"),   # R-HDR-4 (bit 17; bit 16 is defined, spec 3.7)
    # bit 1: a compatible bit no version defines (bit 0 is `checksums` from spec 1.1.0)
    "compat_flag.ace": mutate(mutate(EXAMPLE, 12, b"\x00\x00\x00\x02"), 100, b"\x07"),
    "reserved.ace": mutate(EXAMPLE, 100, b"\x07"),                   # R-HDR-6 (strict)
    "index_past_end.ace": mutate(EXAMPLE, 16, struct.pack(">Q", 180)),  # R-LAY-1
    "count_too_big.ace": mutate(EXAMPLE, 138, b"\x00\x00\x01\x00"),  # R-EVT-3
    "evt_count.ace": mutate(EXAMPLE, 56, b"\x00\x00\x00\x02"),       # R-EVT-9 (strict)
    "payload_array.ace": mutate(EXAMPLE, 168, b"["),                 # R-PAY-2 (strict)
    "chunk_len.ace": mutate(EXAMPLE, 131, b"\x02"),                  # R-CHK-3 (strict)
    "tail.ace": EXAMPLE + b"\x00\x01garbage",                        # valid, not canonical
    "dup_key.ace": with_index(EXAMPLE, b'{"42":{"offset":128,"length":1},'
                                       b'"42":{"offset":133,"length":1}}'),  # R-IDX-7 / R-IDX-12
    "index_ws.ace": with_index(EXAMPLE, b'{"42":{"offset":128,"length":1}, '
                                        b'"a":{"offset":133,"length":1}}'),  # R-IDX-3 (strict)
    # Assembled files.
    "order.ace": assemble_v2([("9", b"n"), ("10", b"t"), ("a", b"")]),
    "not_canonical.ace": assemble_v2([("a", b"y"), ("42", b"x")]),
    "odd.ace": assemble_v2([('a\nb\x01"', b"\x00\xff"), ("-1", b"minus"), ("\u00e9", b"\xc3\xa9")]),
    "events3.ace": assemble_v2([], [(100, 1, 7, 0, b'{"n":1}'),
                                    (200, 2, 7, 1, b'{\n"n":2}'),
                                    (300, 1, 8, 0, b'{"s":"\\u00e9\\t"}')], base_id=10),
    "v1.ace": assemble_v1([("k", b"x")]),
}

# Valid under compat, with the content of the worked example: the same dump.
SAME_CONTENT_AS_EXAMPLE = ["chunk_len.ace", "index_ws.ace", "tail.ace"]

DUP_COMPAT_DUMP = (
    b'{"format_version":2,"flags":0,"evt_base_id":"0","kv":[\n'
    b'{"key":"42","value_hex":"79","value_utf8":"y"}\n'
    b'],"events":[\n'
    + EXAMPLE_EVENT_JSON +
    b']}\n')

V1_DUMP = (b'{"format_version":1,"flags":0,"evt_base_id":"0","kv":[\n'
           b'{"key":"k","value_hex":"78","value_utf8":"x"}\n'
           b'],"events":[]}\n')

ODD_DUMP = ('{"format_version":2,"flags":0,"evt_base_id":"0","kv":[\n'
            '{"key":"-1","value_hex":"6d696e7573","value_utf8":"minus"},\n'
            '{"key":"a\\nb\\u0001\\"","value_hex":"00ff"},\n'
            '{"key":"\u00e9","value_hex":"c3a9","value_utf8":"\u00e9"}\n'
            '],"events":[]}\n').encode()

# (file, profile) -> allowed rule ids and allowed offsets (None: any) of the rejection.
# Where spec 7.2 fixes the offset (the field at fault, or the file size for a whole-file
# rule) it is checked; a file breaking several rules may be reported under any of them.
REJECTIONS = {
    ("bad_magic.ace", "strict"): ({"R-HDR-2"}, {0}),
    ("bad_magic.ace", "compat"): ({"R-HDR-2"}, {0}),
    ("short40.ace", "strict"): ({"R-HDR-1"}, {40}),
    ("short40.ace", "compat"): ({"R-HDR-1"}, {40}),
    ("zero.ace", "strict"): ({"R-HDR-1"}, {0}),
    ("short100.ace", "strict"): ({"R-HDR-5", "R-LAY-1", "R-LAY-2"}, None),
    ("short100.ace", "compat"): ({"R-HDR-5", "R-LAY-1", "R-LAY-2"}, None),
    ("version3.ace", "strict"): ({"R-HDR-3"}, {8}),
    ("version3.ace", "compat"): ({"R-HDR-3"}, {8}),
    ("incompat_flag.ace", "strict"): ({"R-HDR-4"}, {12}),
    ("incompat_flag.ace", "compat"): ({"R-HDR-4"}, {12}),
    ("reserved.ace", "strict"): ({"R-HDR-6"}, set(range(64, 128))),
    ("index_past_end.ace", "strict"): ({"R-LAY-1", "R-LAY-5"}, {16, 24}),
    ("index_past_end.ace", "compat"): ({"R-LAY-1"}, {16, 24}),
    ("count_too_big.ace", "strict"): ({"R-EVT-3", "R-EVT-9"}, {138, 56}),
    ("count_too_big.ace", "compat"): ({"R-EVT-3"}, {138}),
    ("evt_count.ace", "strict"): ({"R-EVT-9"}, {56}),
    ("payload_array.ace", "strict"): ({"R-PAY-2"}, {168}),
    ("chunk_len.ace", "strict"): ({"R-CHK-3"}, {128, 180}),
    ("dup_key.ace", "strict"): ({"R-IDX-7"}, {211}),
    ("index_ws.ace", "strict"): ({"R-IDX-3"}, {211}),
}

VALID = {  # file -> profiles under which it is valid
    "empty.ace": ("strict", "compat"), "example.ace": ("strict", "compat"),
    "compat_flag.ace": ("strict", "compat"), "tail.ace": ("strict", "compat"),
    "reserved.ace": ("compat",), "evt_count.ace": ("compat",), "payload_array.ace": ("compat",),
    "chunk_len.ace": ("compat",), "dup_key.ace": ("compat",), "index_ws.ace": ("compat",),
    "order.ace": ("strict", "compat"), "not_canonical.ace": ("strict", "compat"),
    "odd.ace": ("strict", "compat"), "events3.ace": ("strict", "compat"),
    "v1.ace": ("strict", "compat"),
}

RULE_LINE = re.compile(r"^(?P<file>.+):(?P<offset>\d+): (?P<rule>[RWMD](?:-[A-Z0-9]+)*-\d+): \S.*$")

COMMANDS = ["info", "validate", "dump", "ls", "get", "events", "explain", "adapter"]

# ---------------------------------------------------------------------------------------------
# Runner
# ---------------------------------------------------------------------------------------------

VALGRIND_STATUS = 99   # --error-exitcode: a memory error or a leak in that process


class ForkRun:
    """One `valgrind forkrun` process (tests/cli/forkrun.c) that runs each call in a forked
    child: valgrind checks every child as under a start of its own, without the ~0.6 s of
    CPU each start of valgrind costs."""

    def __init__(self, argv: list[str]):
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def _read(self, n: int) -> bytes:
        data = b""
        while len(data) < n:
            ready, _, _ = select.select([self.proc.stdout], [], [], CALL_LIMIT)
            if not ready:
                raise RuntimeError(f"forkrun: no answer within {CALL_LIMIT} s")
            chunk = os.read(self.proc.stdout.fileno(), n - len(data))
            if not chunk:
                raise RuntimeError(f"forkrun ended (exit {self.proc.wait()})")
            data += chunk
        return data

    def call(self, argv: list[str], stdin: bytes):
        frame = struct.pack(">I", len(argv))
        for a in argv:
            b = os.fsencode(a)
            frame += struct.pack(">I", len(b)) + b
        frame += struct.pack(">I", len(stdin)) + stdin
        self.proc.stdin.write(frame)
        self.proc.stdin.flush()
        status, n = struct.unpack(">II", self._read(8))
        out = self._read(n)
        err = self._read(struct.unpack(">I", self._read(4))[0])
        return status, out, err

    def close(self) -> int:
        self.proc.stdin.close()
        rest = self.proc.stdout.read()
        code = self.proc.wait(timeout=CALL_LIMIT)
        return code if not rest else -1


CALL_LIMIT = 300


class Runner:
    def __init__(self, acepack: str, workdir: str, valgrind: str | None,
                 forkrun: str | None = None):
        self.acepack = acepack
        self.dir = workdir
        self.prefix = ([valgrind, "--error-exitcode=%d" % VALGRIND_STATUS, "--leak-check=full",
                        "--errors-for-leak-kinds=definite,possible", "--quiet"]
                       if valgrind else [])
        self.valgrind = bool(valgrind)
        self.forkrun = ForkRun(self.prefix + [forkrun]) if forkrun else None
        self.failures = 0
        self.checks = 0
        self.calls = 0

    def rejections(self):
        """REJECTIONS natively; under valgrind a fixed sample: one file per region of the
        format where the reader stops (header, short file, events, payload, chunks, index),
        under its first profile. Each call costs ~0.2 s of CPU under valgrind (forked by
        forkrun; ~0.7 s with a valgrind start of its own), and past the reader every
        rejection takes the same CLI code; the reader's way to every rejection
        runs under valgrind in unit.valgrind.corpus_walk (every corpus file), and this whole
        list runs natively here and under ASan+UBSan in the asan preset."""
        if not self.valgrind:
            return list(REJECTIONS.items())
        sample = ("bad_magic.ace", "short40.ace", "count_too_big.ace", "payload_array.ace",
                  "chunk_len.ace", "dup_key.ace")
        seen: set[str] = set()
        chosen = []
        for (name, p), want in REJECTIONS.items():
            if name in sample and name not in seen:
                seen.add(name)
                chosen.append(((name, p), want))
        assert len(chosen) == len(sample), "a sampled file is no longer in REJECTIONS"
        return chosen

    def path(self, name: str) -> str:
        return os.path.join(self.dir, name)

    def run(self, *args: str, stdin: bytes | None = None):
        argv = [self.acepack] + [self.path(a) if a in FILES else a for a in args]
        self.calls += 1
        if self.forkrun:
            rc, out, err = self.forkrun.call(argv, stdin if stdin is not None else b"")
        else:
            p = subprocess.run(self.prefix + argv, input=stdin if stdin is not None else b"",
                               capture_output=True, timeout=CALL_LIMIT)
            rc, out, err = p.returncode, p.stdout, p.stderr
        if self.valgrind and rc == VALGRIND_STATUS:
            # Also where a test looks at the output only: valgrind found an error.
            self.check(f"valgrind: no memory error or leak [{' '.join(args)}]", False,
                       f"exit {rc}; stderr {err[-600:]!r}")
        return rc, out, err

    def finish(self) -> None:
        if self.forkrun:
            code = self.forkrun.close()
            self.check(f"forkrun under valgrind ends cleanly after {self.calls} calls",
                       code == 0, f"exit {code}")

    def check(self, name: str, ok: bool, detail: str = "") -> bool:
        self.checks += 1
        if ok:
            print(f"ok - {name}")
        else:
            self.failures += 1
            print(f"FAIL - {name}" + (f"\n    {detail}" if detail else ""))
        return ok

    def expect(self, name: str, args, code: int, stdout: bytes | None = None,
               stderr: bytes | None = None, stdin: bytes | None = None):
        rc, out, err = self.run(*args, stdin=stdin)
        problems = []
        if rc != code:
            problems.append(f"exit {rc}, expected {code}")
        if stdout is not None and out != stdout:
            problems.append(f"stdout {out[:600]!r}, expected {stdout[:600]!r}")
        if stderr is not None and err != stderr:
            problems.append(f"stderr {err[:400]!r}, expected {stderr[:400]!r}")
        self.check(name + " [" + " ".join(args) + "]", not problems,
                   "; ".join(problems) + (f"; stderr {err[:300]!r}" if problems and stderr is None else ""))
        return rc, out, err

    def expect_rejection(self, name: str, args, shown: str, rules: set[str],
                         offsets: set[int] | None, stdin: bytes | None = None):
        """Exit 1, nothing on stdout, exactly one `FILE:OFFSET: RULE-ID: message` line."""
        rc, out, err = self.run(*args, stdin=stdin)
        lines = err.decode("utf-8", "replace").splitlines()
        m = RULE_LINE.match(lines[0]) if len(lines) == 1 else None
        problems = []
        if rc != 1:
            problems.append(f"exit {rc}, expected 1")
        if out:
            problems.append(f"stdout not empty: {out[:200]!r}")
        if m is None:
            problems.append(f"stderr is not one FILE:OFFSET: RULE-ID: message line: {err[:300]!r}")
        else:
            if m.group("file") != shown:
                problems.append(f"file name {m.group('file')!r}, expected {shown!r}")
            if m.group("rule") not in rules:
                problems.append(f"rule {m.group('rule')}, expected one of {sorted(rules)}")
            if offsets is not None and int(m.group("offset")) not in offsets:
                problems.append(f"offset {m.group('offset')}, expected one of {sorted(offsets)[:8]}")
        self.check(name + " [" + " ".join(args) + "]", not problems, "; ".join(problems))


def info_fields(text: bytes) -> dict[str, str]:
    fields = {}
    for line in text.decode("utf-8", "replace").splitlines():
        name, sep, value = line.partition(":")
        if sep:
            fields[name.strip()] = value.strip()
    return fields

# ---------------------------------------------------------------------------------------------
# Groups
# ---------------------------------------------------------------------------------------------

def group_help(t: Runner):
    rc, out, err = t.expect("top-level help", ["--help"], 0, stderr=b"")
    text = out.decode()
    for c in COMMANDS:
        t.check(f"--help lists {c}", re.search(rf"^  {c}\s+\S", text, re.M) is not None)
    t.check("--help documents the exit codes", "3 unsupported" in text and "1 invalid" in text)
    rc, out, err = t.expect("no arguments is a usage error", [], 2, stdout=b"")
    t.check("no arguments prints the usage on stderr", b"usage: acepack" in err)
    rc, out, _ = t.expect("version", ["--version"], 0, stderr=b"")
    t.check("version names the spec version", spec_version().encode() in out, spec_version())
    # Every command `acepack --help` lists (also ones added later) has its own --help.
    listed = re.findall(r"^  ([a-z][a-z0-9_-]*)\s", text.split("commands:", 1)[-1], re.M)
    t.check("--help lists commands", len(listed) >= len(COMMANDS), repr(listed))
    for c in sorted(set(COMMANDS) | set(listed)):
        rc, out, _ = t.expect(f"{c} --help", [c, "--help"], 0, stderr=b"")
        t.check(f"{c} --help starts with its usage", out.startswith(f"usage: acepack {c} ".encode()))
        t.check(f"{c} --help documents the exit status",
                c == "adapter" or b"exit status" in out or c not in COMMANDS)
        rc, out2, _ = t.expect(f"help {c}", ["help", c], 0, stderr=b"")
        t.check(f"help {c} = {c} --help", out2 == out)
        t.expect(f"{c} -h", [c, "-h"], 0, stdout=out, stderr=b"")


def group_usage(t: Runner):
    cases = [
        ("unknown command", ["frobnicate"]),
        ("unknown option", ["validate", "--bogus", "example.ace"]),
        ("missing FILE", ["validate"]),
        ("missing FILE (dump)", ["dump"]),
        ("too many arguments", ["dump", "example.ace", "example.ace"]),
        ("unknown profile", ["validate", "--profile", "lax", "example.ace"]),
        ("two profiles", ["dump", "--strict", "--compat", "example.ace"]),
        ("option value missing", ["events", "example.ace", "--kind"]),
        ("kind out of range", ["events", "--kind", "256", "example.ace"]),
        ("kind not a number", ["events", "--kind", "x", "example.ace"]),
        ("negative since", ["events", "--since=-1", "example.ace"]),
        ("get without KEY", ["get", "example.ace"]),
        ("get with bad hex", ["get", "--key-hex", "4", "example.ace"]),
        ("adapter without operation", ["adapter"]),
        ("adapter unknown operation", ["adapter", "frobnicate"]),
        ("adapter read without FILE", ["adapter", "read"]),
        ("adapter capabilities takes no argument", ["adapter", "capabilities", "x"]),
        ("explain unknown profile", ["explain", "--profile=none", "example.ace"]),
        ("info two files", ["info", "example.ace", "empty.ace"]),
    ]
    for name, args in cases:
        rc, out, err = t.expect(name, args, 2, stdout=b"")
        t.check(f"{name}: says why and how to get help",
                err.startswith(b"acepack") and (b"--help" in err))
    # An unreadable file is an operating-system error, not an invalid file: exit 2.
    missing = t.path("does-not-exist.ace")
    rc, out, err = t.expect("missing file", ["validate", missing], 2, stdout=b"")
    t.check("missing file: FILE: cannot open: reason",
            err.decode().startswith(missing + ": cannot open: "))
    rc, out, err = t.expect("directory", ["dump", t.dir], 2, stdout=b"")
    t.check("directory: one line naming it", err.decode().startswith(t.dir + ": ") and err.count(b"\n") == 1)


def group_validate(t: Runner):
    for name, profiles in VALID.items():
        for p in profiles:
            t.expect(f"valid under {p}", ["validate", f"--{p}", name], 0,
                     stdout=f"{t.path(name)}: valid ({p})\n".encode(), stderr=b"")
    t.expect("strict is the default", ["validate", "example.ace"], 0,
             stdout=f"{t.path('example.ace')}: valid (strict)\n".encode(), stderr=b"")
    t.expect("--profile compat", ["validate", "--profile", "compat", "dup_key.ace"], 0,
             stdout=f"{t.path('dup_key.ace')}: valid (compat)\n".encode())
    t.expect("--profile=compat", ["validate", "--profile=compat", "dup_key.ace"], 0)
    for (name, p), (rules, offsets) in REJECTIONS.items():
        t.expect_rejection(f"rejected under {p}", ["validate", f"--{p}", name], t.path(name),
                           rules, offsets)
    # Several files: each reported, the worst status wins.
    rc, out, err = t.expect("two files, one invalid", ["validate", "example.ace", "bad_magic.ace"], 1)
    t.check("two files: the valid one on stdout", out == f"{t.path('example.ace')}: valid (strict)\n".encode())
    t.check("two files: the invalid one on stderr",
            err.decode().startswith(t.path("bad_magic.ace") + ":0: R-HDR-2: "))
    t.expect("invalid and missing: the I/O error wins",
             ["validate", "bad_magic.ace", t.path("nope.ace")], 2)


def group_dump(t: Runner):
    t.expect("worked example (Appendix B)", ["dump", "example.ace"], 0, stdout=EXAMPLE_DUMP, stderr=b"")
    t.expect("worked example, compat", ["dump", "--compat", "example.ace"], 0, stdout=EXAMPLE_DUMP)
    t.expect("empty store (spec 11)", ["dump", "empty.ace"], 0, stdout=EMPTY_DUMP, stderr=b"")
    for name in SAME_CONTENT_AS_EXAMPLE:
        t.expect("same content as the worked example under compat", ["dump", "--compat", name], 0,
                 stdout=EXAMPLE_DUMP, stderr=b"")
    t.expect("tail bytes are not content", ["dump", "tail.ace"], 0, stdout=EXAMPLE_DUMP)
    t.expect("compat: the last duplicate wins (R-IDX-12)", ["dump", "--compat", "dup_key.ace"], 0,
             stdout=DUP_COMPAT_DUMP)
    t.expect("v1 file (D-7)", ["dump", "v1.ace"], 0, stdout=V1_DUMP)
    t.expect("keys escaped per D-5, non-UTF-8 value without value_utf8, sorted (D-6)",
             ["dump", "odd.ace"], 0, stdout=ODD_DUMP)
    t.expect("compatible flag bit kept in the dump", ["dump", "compat_flag.ace"], 0,
             stdout=EXAMPLE_DUMP.replace(b'"flags":0,"evt', b'"flags":2,"evt'))
    for (name, p), (rules, offsets) in t.rejections():
        t.expect_rejection(f"dump refuses under {p}", ["dump", f"--{p}", name], t.path(name),
                           rules, offsets)


def group_ls_get(t: Runner):
    t.expect("ls in index order", ["ls", "example.ace"], 0, stdout=b"42\t1\na\t1\n", stderr=b"")
    t.expect("ls: index order is the file's", ["ls", "order.ace"], 0, stdout=b"9\t1\n10\t1\na\t0\n")
    t.expect("ls --sorted: UTF-8 byte order (D-6)", ["ls", "--sorted", "order.ace"], 0,
             stdout=b"10\t1\n9\t1\na\t0\n")
    t.expect("ls of the empty store", ["ls", "empty.ace"], 0, stdout=b"")
    t.expect("ls escapes keys for display", ["ls", "odd.ace"], 0,
             stdout='a\\nb\\x01"\t2\n-1\t5\n\u00e9\t2\n'.encode())
    t.expect("ls --compat lists a duplicate key once", ["ls", "--compat", "dup_key.ace"], 0,
             stdout=b"42\t1\n")
    t.expect_rejection("ls refuses an invalid file", ["ls", "dup_key.ace"], t.path("dup_key.ace"),
                       {"R-IDX-7"}, {211})
    t.expect("get", ["get", "example.ace", "42"], 0, stdout=b"x", stderr=b"")
    t.expect("get a", ["get", "example.ace", "a"], 0, stdout=b"y")
    t.expect("get an empty value", ["get", "order.ace", "a"], 0, stdout=b"", stderr=b"")
    t.expect("get raw bytes", ["get", "odd.ace", "--key-hex", "610a620122"], 0, stdout=b"\x00\xff")
    t.expect("get --key-hex", ["get", "--key-hex", "3432", "example.ace"], 0, stdout=b"x")
    t.expect("get a key that starts with -", ["get", "odd.ace", "--", "-1"], 0, stdout=b"minus")
    t.expect("get a UTF-8 key", ["get", "odd.ace", "\u00e9"], 0, stdout=b"\xc3\xa9")
    t.expect("get --compat: the last duplicate wins", ["get", "--compat", "dup_key.ace", "42"], 0,
             stdout=b"y")
    t.expect("get in a v1 file", ["get", "v1.ace", "k"], 0, stdout=b"x")
    t.expect("get a missing key", ["get", "example.ace", "zz"], 1, stdout=b"",
             stderr=f"{t.path('example.ace')}: key not found: zz\n".encode())
    t.expect("get a missing key is escaped in the message", ["get", "example.ace", "z\tz"], 1,
             stdout=b"", stderr=f"{t.path('example.ace')}: key not found: z\\tz\n".encode())
    t.expect("get: keys compare decoded, not as JSON text", ["get", "odd.ace", 'a\\nb'], 1, stdout=b"")
    t.expect_rejection("get refuses an invalid file", ["get", "bad_magic.ace", "42"],
                       t.path("bad_magic.ace"), {"R-HDR-2"}, {0})


def group_events(t: Runner):
    t.expect("events as text", ["events", "example.ace"], 0,
             stdout=b'1\t1700000000000\t1\t2\t0\t{"key":"k"}\n', stderr=b"")
    t.expect("events --json (D-2)", ["events", "--json", "example.ace"], 0, stdout=EXAMPLE_EVENT_JSON)
    t.expect("no events", ["events", "empty.ace"], 0, stdout=b"")
    t.expect("v1 file: no events", ["events", "v1.ace"], 0, stdout=b"")
    lines = [b'11\t100\t1\t7\t0\t{"n":1}\n',
             b'12\t200\t2\t7\t1\t{\\n"n":2}\n',
             b'13\t300\t1\t8\t0\t{"s":"\\\\u00e9\\\\t"}\n']
    t.expect("ids continue evt_base_id; payloads escaped for display", ["events", "events3.ace"], 0,
             stdout=b"".join(lines))
    t.expect("--kind", ["events", "--kind", "1", "events3.ace"], 0, stdout=lines[0] + lines[2])
    t.expect("--source", ["events", "--source=8", "events3.ace"], 0, stdout=lines[2])
    t.expect("--since (inclusive)", ["events", "--since", "200", "events3.ace"], 0,
             stdout=lines[1] + lines[2])
    t.expect("--until (inclusive)", ["events", "--until", "200", "events3.ace"], 0,
             stdout=lines[0] + lines[1])
    t.expect("filters combine", ["events", "--kind", "1", "--until", "299", "events3.ace"], 0,
             stdout=lines[0])
    t.expect("nothing matches", ["events", "--kind", "9", "events3.ace"], 0, stdout=b"")
    t.expect("--json escapes per D-5", ["events", "--json", "--kind", "2", "events3.ace"], 0,
             stdout=b'{"id":"12","ts":"200","kind":2,"source":7,"flags":1,'
                    b'"payload_hex":"7b0a226e223a327d","payload_utf8":"{\\n\\"n\\":2}"}\n')
    t.expect("--json keeps escapes of the payload text", ["events", "--json", "--since", "300", "events3.ace"], 0,
             stdout=b'{"id":"13","ts":"300","kind":1,"source":8,"flags":0,'
                    b'"payload_hex":"7b2273223a225c75303065395c74227d",'
                    b'"payload_utf8":"{\\"s\\":\\"\\\\u00e9\\\\t\\"}"}\n')
    t.expect("compat reads a payload strict rejects", ["events", "--compat", "payload_array.ace"], 0,
             stdout=b'1\t1700000000000\t1\t2\t0\t["key":"k"}\n')
    t.expect_rejection("events refuses an invalid file", ["events", "payload_array.ace"],
                       t.path("payload_array.ace"), {"R-PAY-2"}, {168})


def group_info(t: Runner):
    rc, out, err = t.expect("info of the worked example", ["info", "example.ace"], 0, stderr=b"")
    f = info_fields(out)
    expected = {"size": "241 bytes", "format version": "2", "flags": "0x00000000",
                "kv_index_offset": "179", "kv_index_length": "62", "kv_chunk_end": "138",
                "evt_offset": "138", "evt_length": "41", "evt_count": "1", "evt_base_id": "0",
                "header": "128 bytes", "event section": "[138, 179) 41 bytes",
                "index": "[179, 241) 62 bytes", "tail": "0 bytes", "keys": "2",
                "strict": "valid", "compat": "valid", "canonical": "yes"}
    for k, v in expected.items():
        t.check(f"info example: {k}: {v}", f.get(k) == v, f"got {f.get(k)!r}")
    t.check("info example: chunk region, no dead bytes",
            f.get("chunk region") == "[128, 138) 10 bytes: 10 live, 0 dead", f"got {f.get('chunk region')!r}")
    t.check("info example: events and ids", (f.get("events") or "").startswith("1 (ids 1..1)"),
            f"got {f.get('events')!r}")

    rc, out, _ = t.expect("info of the empty store", ["info", "empty.ace"], 0)
    f = info_fields(out)
    for k, v in {"size": "138 bytes", "keys": "0", "canonical": "yes", "tail": "0 bytes",
                 "chunk region": "[128, 128) 0 bytes: 0 live, 0 dead"}.items():
        t.check(f"info empty: {k}: {v}", f.get(k) == v, f"got {f.get(k)!r}")
    t.check("info empty: no events", (f.get("events") or "").startswith("0"), f"got {f.get('events')!r}")

    rc, out, _ = t.expect("info of a file with a tail", ["info", "tail.ace"], 0)
    f = info_fields(out)
    t.check("info tail: 9 tail bytes", f.get("tail") == "9 bytes", f"got {f.get('tail')!r}")
    t.check("info tail: not canonical (W-CAN-3)",
            (f.get("canonical") or "").startswith("no") and "W-CAN-3" in f.get("canonical", ""))
    rc, out, _ = t.expect("info of a file out of key order", ["info", "not_canonical.ace"], 0)
    f = info_fields(out)
    t.check("info: keys out of W-CAN-1 order is not canonical",
            (f.get("canonical") or "").startswith("no") and "W-CAN-1" in f.get("canonical", ""),
            f"got {f.get('canonical')!r}")
    t.check("info: still valid", f.get("strict") == "valid")
    rc, out, _ = t.expect("info of a duplicate-key file", ["info", "dup_key.ace"], 0)
    f = info_fields(out)
    t.check("info dup: strict verdict names R-IDX-7",
            (f.get("strict") or "").startswith("invalid: 211: R-IDX-7"), f"got {f.get('strict')!r}")
    t.check("info dup: compat valid", f.get("compat") == "valid")
    t.check("info dup: one key, two members", (f.get("keys") or "").startswith("1 (2 index members"),
            f"got {f.get('keys')!r}")
    t.check("info dup: chunk region has 5 dead bytes",
            f.get("chunk region") == "[128, 138) 10 bytes: 5 live, 5 dead", f"got {f.get('chunk region')!r}")
    rc, out, _ = t.expect("info of a v1 file", ["info", "v1.ace"], 0)
    f = info_fields(out)
    t.check("info v1: version 1 and its field names",
            f.get("format version") == "1" and f.get("index_offset") == "69" and "kv_chunk_end" not in f)
    t.check("info v1: not canonical", (f.get("canonical") or "").startswith("no"))
    rc, out, _ = t.expect("info of an invalid file", ["info", "bad_magic.ace"], 1)
    f = info_fields(out)
    t.check("info bad magic: both verdicts", (f.get("strict") or "").startswith("invalid: 0: R-HDR-2")
            and (f.get("compat") or "").startswith("invalid: 0: R-HDR-2"))
    t.check("info bad magic: header fields still shown", f.get("kv_index_offset") == "179")
    rc, out, _ = t.expect("info of a 40-byte file", ["info", "short40.ace"], 1)
    f = info_fields(out)
    t.check("info short: fields the file lacks are missing",
            f.get("evt_offset", "").startswith("(missing") and f.get("kv_chunk_end") == "138")
    rc, out, _ = t.expect("info of an empty file", ["info", "zero.ace"], 1)
    t.check("info empty file: size 0", info_fields(out).get("size") == "0 bytes")


def hexdump_caret_ok(text: str, offset: int, data: bytes) -> tuple[bool, str]:
    """The hex dump row holding `offset` is followed by a caret line whose `^^` stands under
    that byte's two hex digits."""
    lines = text.splitlines()
    row = offset & ~15
    for i, line in enumerate(lines):
        m = re.match(r"^\s*0*%x  " % row if row else r"^\s*0+  ", line)
        if not m or i + 1 >= len(lines):
            continue
        hexpart = line[m.end():]
        j = offset - row
        # Columns: "xx " per byte, one extra space after the 8th.
        col = m.end() + 3 * j + (1 if j >= 8 else 0)
        caret = lines[i + 1]
        if offset < len(data) and line[col:col + 2] != "%02x" % data[offset]:
            return False, f"byte at column {col} of {line!r} is not {data[offset]:02x}"
        if caret[col:col + 2] != "^^" or caret[:col].strip():
            return False, f"caret line {caret!r} has no ^^ at column {col}"
        return True, ""
    return False, f"no hex row for offset {offset} ({row:08x})"


def group_explain(t: Runner):
    rc, out, err = t.expect("explain a valid file", ["explain", "example.ace"], 0, stderr=b"")
    text = out.decode()
    patterns = [
        r"^\s+0\s+8\s+magic\s+41 43 45 50 41 43 4b 00\s.*R-HDR-2 ok",
        r"^\s+8\s+4\s+version\s+00 00 00 02\s+2\s",
        r"^\s+16\s+8\s+kv_index_offset\s+00 00 00 00 00 00 00 b3\s+179\s.*R-LAY-1 ok",
        r"^\s+24\s+8\s+kv_index_length\s+00 00 00 00 00 00 00 3e\s+62",
        r"^\s+32\s+8\s+kv_chunk_end\s.*\s138\s",
        r"^\s+40\s+8\s+evt_offset\s.*\s138\s.*R-LAY-4 ok",
        r"^\s+48\s+8\s+evt_length\s.*\s41\s",
        r"^\s+56\s+4\s+evt_count\s+00 00 00 01\s+1\s",
        r"^\s+64\s+64\s+reserved\s.*all zero.*R-HDR-6 ok",
        r"^CHUNK REGION  \[128, 138\)",
        r'^\s+128\s+1\s+1\s+ok\s+"42" = "x"',
        r'^\s+133\s+1\s+1\s+ok\s+"a" = "y"',
        r"^EVENT SECTION  \[138, 179\)",
        r"^\s+138\s+0\s+count\s+1\s",
        r"^\s+153\s+15\s+pad\s.*= 3: 00 00 00",
        r"^\s+156\s+18\s+pay_off\[\]\s+unaligned in section",   # spec 3.3.2: position 18
        r"^\s+164\s+26\s+pool_length\s+11\s",
        r"^\s+1\s+1700000000000\s+1\s+2\s+0x00\s+\[168, 179\) 11 bytes",
        r"^INDEX  \[179, 241\)  62 bytes: 2 members",
        r'^\s+180\s+128\s+1\s+"42"$',
        r"^TAIL  none",
    ]
    for p in patterns:
        t.check(f"explain example shows /{p}/", re.search(p, text, re.M) is not None)
    t.check("explain example: no error marker, no failed check",
            ">>>" not in text and re.search(r"R-[A-Z0-9-]+ BAD|BAD R-|!!", text) is None)

    # Every rejected file: the map, then the error at the library's offset with a caret.
    for (name, p), (rules, offsets) in t.rejections():
        rc, out, err = t.run("explain", "--profile", p, name)
        text = out.decode("utf-8", "replace")
        m = re.search(r"^>>> (\d+): (\S+): \S", text, re.M)
        ok = rc == 1 and m is not None and m.group(2) in rules and err == b""
        t.check(f"explain --profile {p} {name}: exit 1 and >>> OFFSET: RULE", ok,
                f"exit {rc}, marker {m.group(0) if m else None!r}, stderr {err[:200]!r}")
        if not m:
            continue
        off = int(m.group(1))
        # The same verdict as validate (a comparison of outputs: natively only, valgrind
        # finds nothing more in a second run of the same reader), and the caret under the byte.
        if not t.valgrind:
            _, _, verr = t.run("validate", "--profile", p, name)
            vm = RULE_LINE.match(verr.decode("utf-8", "replace").strip())
            t.check(f"explain {name} {p}: same rule and offset as validate",
                    vm is not None
                    and (int(vm.group("offset")), vm.group("rule")) == (off, m.group(2)))
        if FILES[name]:
            good, why = hexdump_caret_ok(text[m.start():], off, FILES[name])
            t.check(f"explain {name} {p}: caret under byte {off}", good, why)
        # The map stops at the error: no region that starts after it is described.
        after = text[m.end():]
        t.check(f"explain {name} {p}: nothing described after the error",
                not re.search(r"^(CHUNK REGION|EVENT SECTION|INDEX|TAIL) ", after, re.M))

    rc, out, _ = t.run("explain", "bad_magic.ace")
    text = out.decode()
    t.check("explain bad magic: the magic field is BAD with the rule",
            re.search(r'^\s+0\s+8\s+magic\s+41 43 45 50 41 43 4b 01\s+"ACEPACK\\x01"\s+R-HDR-2 BAD', text, re.M)
            is not None)
    t.check("explain bad magic: still shows the rest of the header",
            re.search(r"^\s+16\s+8\s+kv_index_offset\s.*179", text, re.M) is not None)
    t.check("explain bad magic: says where the byte is", "header field magic" in text)
    rc, out, _ = t.run("explain", "short40.ace")
    text = out.decode()
    t.check("explain 40-byte file: shows the fields it has",
            re.search(r"^\s+32\s+8\s+kv_chunk_end\s+00 00 00 00 00 00 00 8a\s+138", text, re.M) is not None)
    t.check("explain 40-byte file: points at the end of the file",
            ">>> 40: R-HDR-1:" in text and "end of file" in text)
    rc, out, _ = t.run("explain", "zero.ace")
    t.check("explain empty file", rc == 1 and b">>> 0: R-HDR-1:" in out and b"empty" in out)
    rc, out, _ = t.run("explain", "payload_array.ace")
    text = out.decode()
    t.check("explain payload error: the map before it is there",
            "CHUNK REGION  [128, 138)" in text and re.search(r"^\s+164\s+26\s+pool_length", text, re.M))
    t.check("explain payload error: names the event",
            re.search(r"^    at 168 \(0xa8\): event section.*payload of event 0 \(id 1\)", text, re.M)
            is not None)
    rc, out, _ = t.run("explain", "--compat", "chunk_len.ace")
    text = out.decode()
    t.check("explain --compat: a [strict] rule is n/a, with the reason",
            rc == 0 and "n/a R-CHK-3" in text and "the length field says 2, the index says 1" in text)
    rc, out, _ = t.run("explain", "chunk_len.ace")
    t.check("explain strict: the same rule is BAD", rc == 1 and b"BAD R-CHK-3" in out)
    rc, out, _ = t.run("explain", "--compat", "dup_key.ace")
    t.check("explain --compat: the superseded duplicate and its dead chunk",
            rc == 0 and b"superseded" in out and b"dead space [128, 133): 5 bytes" in out)
    rc, out, _ = t.run("explain", "tail.ace")
    t.check("explain: the tail", rc == 0 and b"TAIL  [241, 250)  9 bytes" in out)
    rc, out, _ = t.run("explain", "v1.ace")
    text = out.decode()
    t.check("explain v1: the v1 header and regions",
            rc == 0 and re.search(r"^\s+16\s+8\s+index_offset\s.*\s69\s", text, re.M) is not None
            and "CHUNK REGION  [64, 69)" in text and "EVENT SECTION" not in text)
    # R-SEG-10 (flag bits 0 and 16): each segment_crc is checked against its segment.
    seg = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "corpus",
                       "segmented")
    rc, out, _ = t.run("explain", "--full", os.path.join(seg, "y_with_checksums.ace"))
    t.check("explain segments with checksums: each entry's segment_crc shown, all checks ok",
            rc == 0 and re.search(rb"^\s+452\s+\[1\]\s+256\s+156\s+2\s+3 0x9877f3d8  ok$", out,
                                  re.M) is not None, out.decode())
    wrong = os.path.join(seg, "n_checksums_segment_crc_wrong.ace")
    rc, out, _ = t.run("explain", "--full", wrong)
    t.check("explain a wrong segment_crc (strict): the error at the segment's first byte",
            rc == 1 and re.search(rb"^>>> 256: R-SEG-10: ", out, re.M) is not None, out.decode())
    rc, out, _ = t.run("explain", "--compat", "--full", wrong)
    t.check("explain --compat a wrong segment_crc: n/a R-SEG-10 with the CRC it should be",
            rc == 0 and b"0x9877f2d8  n/a R-SEG-10" in out
            and b"the CRC32C of the segment, 0x9877f3d8" in out, out.decode())
    explain_segments_in_chunk_region(t, seg)


def segment_table(data: bytes) -> list[tuple[int, int, int]]:
    """(segment_offset, segment_length, count) of each entry, read from the bytes (spec 3.7:
    the table at evt_offset, S at 0, entries of 32 bytes from 8; a segment starts with its
    u32 count, 3.3.1)."""
    evt_off = struct.unpack_from(">Q", data, 40)[0]
    s = struct.unpack_from(">I", data, evt_off)[0]
    out = []
    for k in range(s):
        so, sl = struct.unpack_from(">QQ", data, evt_off + 8 + 32 * k)
        out.append((so, sl, struct.unpack_from(">I", data, so)[0]))
    return out


def explain_segments_in_chunk_region(t: Runner, seg: str):
    """Spec 3.7: segments lie in the chunk region and are live data, not dead space (3.4);
    the chunk region lists them and counts their bytes as live."""
    # a chunk, segment 0, 10 dead bytes, a chunk, segment 1 (tools/corpus_cases/segmented.py
    # chunks_between_segments; the table, read by hand: [137, 245) 2 events, [266, 422) 3)
    rc, out, _ = t.run("explain", os.path.join(seg, "y_chunks_between_segments.ace"))
    text = out.decode()
    for line in ["CHUNK REGION  [128, 422)  294 bytes: 2 chunks, 2 segments, 284 live bytes, "
                 "10 dead",
                 "     137  segment [0] [137, 245): 108 bytes, 2 events",
                 "     245  dead space [245, 255): 10 bytes",
                 "     266  segment [1] [266, 422): 156 bytes, 3 events"]:
        t.check(f"explain chunks between segments: line {line.strip()!r}",
                rc == 0 and re.search("^" + re.escape(line) + "$", text, re.M) is not None, text)
    t.check("explain chunks between segments: no dead space over a segment",
            "dead space [137," not in text and "dead space [266," not in text, text)
    # 16 segments after two chunks, nothing dead: every segment listed with --full, the
    # first and last four without
    path = os.path.join(seg, "y_16_segments.ace")
    with open(path, "rb") as f:
        table = segment_table(f.read())
    want = [f"  {so:6d}  segment [{k}] [{so}, {so + sl}): {sl} bytes, {n} events"
            for k, (so, sl, n) in enumerate(table)]
    live = 9 + 11 + sum(sl for _, sl, _ in table)   # chunks "a" (4 + 5) and "state/b" (4 + 7)
    rc, out, _ = t.run("explain", "--full", path)
    text = out.decode()
    t.check("explain 16 segments: the chunk region counts them live, no dead byte",
            rc == 0 and f"CHUNK REGION  [128, 3520)  3392 bytes: 2 chunks, 16 segments, "
            f"{live} live bytes, 0 dead\n" in text and "dead space" not in text, text)
    t.check("explain --full 16 segments: each segment listed in the chunk region",
            all(re.search("^" + re.escape(w) + "$", text, re.M) for w in want), text)
    rc, out, _ = t.run("explain", path)
    text = out.decode()
    t.check("explain 16 segments: the first and last four listed, the rest counted",
            all(re.search("^" + re.escape(w) + "$", text, re.M) for w in want[:4] + want[-4:])
            and not any(w in text for w in want[4:12])
            and "     ... 8 more segments (--full lists them)\n" in text, text)
    # info counts the same bytes: chunks, segments (the table read above), dead
    rc, out, _ = t.run("info", path)
    t.check("info 16 segments: segments counted live in the chunk region",
            rc == 0 and f"chunk region:    [128, 3520) 3392 bytes: 20 live in chunks, "
            f"{live - 20} in 16 segments, 0 dead\n" in out.decode(), out.decode())
    rc, out, _ = t.run("info", os.path.join(seg, "y_chunks_between_segments.ace"))
    t.check("info chunks between segments: 108 + 156 bytes in segments, 10 dead",
            rc == 0 and "chunk region:    [128, 422) 294 bytes: 20 live in chunks, 264 in 2 "
            "segments, 10 dead\n" in out.decode(), out.decode())
    # an error inside a segment is located in that segment, not in dead space
    rc, out, _ = t.run("explain", os.path.join(seg, "n_segment_ts_2p53.ace"))
    text = out.decode()
    t.check("explain an error inside a segment: located in the segment",
            rc == 1 and re.search(r"^    at \d+ \(0x[0-9a-f]+\): byte \d+ of segment \[\d+\]",
                                  text, re.M) is not None, text)


def group_adapter(t: Runner):
    rc, out, err = t.expect("capabilities", ["adapter", "capabilities"], 0, stderr=b"")
    try:
        caps = json.loads(out)
    except ValueError:
        caps = None
    t.check("capabilities is a JSON object", isinstance(caps, dict), repr(out))
    if not isinstance(caps, dict):
        return
    t.check("capabilities: read is true", caps.get("read") is True)
    t.check("capabilities: write and migrate are booleans",
            isinstance(caps.get("write"), bool) and isinstance(caps.get("migrate"), bool))
    t.check("capabilities: both profiles", caps.get("profiles") == ["strict", "compat"])
    for op in ("write", "migrate"):
        if caps.get(op) is False:
            t.expect(f"adapter {op} when not capable: unsupported", ["adapter", op], 3,
                     stdout=b"", stdin=EMPTY_DUMP)
    if caps.get("write") is True:
        # Spec Appendix B: the worked example is the canonical file of its dump; spec 8.3:
        # the empty store is the canonical file of the empty content.
        t.expect("write: Appendix B dump -> its canonical file", ["adapter", "write"], 0,
                 stdout=EXAMPLE, stderr=b"", stdin=EXAMPLE_DUMP)
        t.expect("write: empty dump -> the 138-byte empty store", ["adapter", "write"], 0,
                 stdout=EMPTY_STORE, stderr=b"", stdin=EMPTY_DUMP)
        t.expect("write: compat content of a non-canonical file", ["adapter", "write"], 0,
                 stdout=assemble_v2([("42", b"y")], [(1700000000000, 1, 2, 0, b'{"key":"k"}')]),
                 stdin=DUP_COMPAT_DUMP)
        rc, out, err = t.expect("write: not a dump", ["adapter", "write"], 1, stdout=b"",
                                stdin=b'{"format_version":2}\n')
        t.check("write: a rejected dump says so on stderr", err.strip() != b"")
    if caps.get("migrate") is True:
        entry = b'{"kind":1,"content_source":2,"key":"k","payload":{"x":1},"id":1,"ts":1700000000000}'
        v1 = assemble_v1([("core/log/000000000001", entry), ("meta/log_entry_seq", b"1"), ("k", b"x")])
        # M-5, M-6, M-7, M-9: the entry becomes event 1 with its bytes as payload; both log keys
        # leave the KV map; the output is canonical.
        t.expect("migrate: spec 6.1 entry -> event id 1", ["adapter", "migrate"], 0,
                 stdout=assemble_v2([("k", b"x")], [(1700000000000, 1, 2, 0, entry)]), stdin=v1)
        t.expect("migrate: no log -> same KV map", ["adapter", "migrate"], 0,
                 stdout=assemble_v2([("k", b"x")]), stdin=FILES["v1.ace"])
        t.expect_rejection("migrate refuses a file that does not validate (M-1)",
                           ["adapter", "migrate"], "<stdin>", {"R-HDR-2"}, {0},
                           stdin=mutate(FILES["v1.ace"], 0, b"X"))
    t.expect("read", ["adapter", "read", "example.ace"], 0, stdout=EXAMPLE_DUMP, stderr=b"")
    t.expect("read --profile compat", ["adapter", "read", "dup_key.ace", "--profile", "compat"], 0,
             stdout=DUP_COMPAT_DUMP, stderr=b"")
    t.expect("read the empty store", ["adapter", "read", "empty.ace", "--profile", "strict"], 0,
             stdout=EMPTY_DUMP)
    for (name, p), (rules, offsets) in t.rejections():
        t.expect_rejection(f"adapter read rejects under {p}", ["adapter", "read", name, "--profile", p],
                           t.path(name), rules, offsets)


def serve_frame(header: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(header)) + header + struct.pack(">I", len(body)) + body


def serve_responses(out: bytes) -> list | None:
    """[(status, stdout, stderr)] of a whole `adapter serve` output, None if malformed."""
    got = []
    while out:
        if len(out) < 8:
            return None
        status, n = struct.unpack(">II", out[:8])
        if len(out) < 12 + n:
            return None
        e = struct.unpack(">I", out[8 + n:12 + n])[0]
        if len(out) < 12 + n + e:
            return None
        got.append((status, out[8:8 + n], out[12 + n:12 + n + e]))
        out = out[12 + n + e:]
    return got


def group_serve(t: Runner):
    """`adapter serve` answers each request exactly as the per-call command (conformance
    README, "Persistent protocol"), ignores unknown header members, refuses malformed
    headers with status 2 and goes on, exits 0 at the end of input and 2 on a truncated one."""
    _rc, out, _err = t.run("adapter", "capabilities")
    if not t.check("capabilities declare serve", b'"serve":true' in out, repr(out)):
        return
    example, reject = t.path("example.ace"), t.path(next(iter(REJECTIONS))[0])
    v1 = FILES["v1.ace"]
    requests = [  # (header, body, the per-call command it must equal, its stdin)
        (b'{"op":"read","profile":"strict","file":"%s"}' % example.encode(),
         EXAMPLE, ["adapter", "read", "example.ace", "--profile", "strict"], None),
        (b'{"file":"%s","op":"read","profile":"compat","later":{"x":[1,"]"]}}' % reject.encode(),
         read_file(reject), ["adapter", "read", reject, "--profile", "compat"], None),
        (b'{"op":"write","file":"<stdin>"}', EXAMPLE_DUMP, ["adapter", "write"], EXAMPLE_DUMP),
        (b'{"op":"write","file":"<stdin>"}', b"{}", ["adapter", "write"], b"{}"),
        (b'{"op":"migrate","profile":"strict","file":"<stdin>"}', v1,
         ["adapter", "migrate", "--profile", "strict"], v1),
    ]
    stream = b"".join(serve_frame(h, b) for h, b, _, _ in requests)
    bad = [b'{"op":"read"', b'{"op":"frobnicate"}', b'{"op":"read","file":"\\udc00"}', b"[]"]
    stream += b"".join(serve_frame(h, b"") for h in bad) + serve_frame(requests[0][0], EXAMPLE)
    rc, out, err = t.run("adapter", "serve", stdin=stream)
    got = serve_responses(out)
    t.check("serve: exit 0 at the end of input, well-framed responses",
            rc == 0 and got is not None and len(got) == len(requests) + len(bad) + 1,
            f"exit {rc}, {len(got or [])} responses, stderr {err[:300]!r}")
    if got is None or len(got) != len(requests) + len(bad) + 1:
        return
    for (header, _body, args, stdin), response in zip(requests, got):
        want = t.run(*args, stdin=stdin)
        t.check(f"serve {header.decode()[:60]} == per call", response == want,
                f"serve {response!r:.300}, per call {want!r:.300}")
    for header, response in zip(bad, got[len(requests):]):
        t.check(f"serve: malformed header {header!r} -> status 2, the server goes on",
                response[0] == 2 and response[1] == b"" and response[2] != b"", repr(response))
    t.check("serve: a request after the malformed ones is answered",
            got[-1] == got[0], repr(got[-1])[:200])
    rc, out, err = t.run("adapter", "serve", stdin=serve_frame(requests[0][0], EXAMPLE)[:-3])
    t.check("serve: a truncated request ends the server with exit 2, no response",
            rc == 2 and out == b"" and b"truncated" in err, f"exit {rc}, {out[:80]!r}")


def read_file(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read()


def group_stdin(t: Runner):
    t.expect("validate -", ["validate", "-"], 0, stdout=b"<stdin>: valid (strict)\n", stdin=EXAMPLE)
    t.expect("dump -", ["dump", "-"], 0, stdout=EXAMPLE_DUMP, stdin=EXAMPLE)
    t.expect("dump --compat -", ["dump", "--compat", "-"], 0, stdout=DUP_COMPAT_DUMP,
             stdin=FILES["dup_key.ace"])
    t.expect("ls -", ["ls", "-"], 0, stdout=b"42\t1\na\t1\n", stdin=EXAMPLE)
    t.expect("get - KEY", ["get", "-", "a"], 0, stdout=b"y", stdin=EXAMPLE)
    t.expect("events -", ["events", "-"], 0,
             stdout=b'1\t1700000000000\t1\t2\t0\t{"key":"k"}\n', stdin=EXAMPLE)
    rc, out, _ = t.expect("info -", ["info", "-"], 0, stdin=EMPTY_STORE)
    t.check("info - names <stdin>", info_fields(out).get("file") == "<stdin>")
    rc, out, _ = t.expect("explain -", ["explain", "-"], 1, stdin=FILES["bad_magic.ace"])
    t.check("explain - finds the error", b">>> 0: R-HDR-2:" in out)
    t.expect("adapter read -", ["adapter", "read", "-"], 0, stdout=EXAMPLE_DUMP, stdin=EXAMPLE)
    t.expect_rejection("stdin errors name <stdin>", ["validate", "-"], "<stdin>", {"R-HDR-2"}, {0},
                       stdin=FILES["bad_magic.ace"])
    t.expect_rejection("empty stdin", ["adapter", "read", "-"], "<stdin>", {"R-HDR-1"}, {0}, stdin=b"")
    big = assemble_v2([("k%05d" % i, b"v" * (i % 50)) for i in range(3000)])  # > 64 KiB: grows the buffer
    rc, out, _ = t.expect("a large file through stdin", ["ls", "-"], 0, stdin=big)
    t.check("a large file through stdin: every key", out.count(b"\n") == 3000 and out.startswith(b"k00000\t0\n"))


GROUPS = {
    "help": group_help, "usage": group_usage, "validate": group_validate, "dump": group_dump,
    "ls_get": group_ls_get, "events": group_events, "info": group_info,
    "explain": group_explain, "adapter": group_adapter, "serve": group_serve,
    "stdin": group_stdin,
}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--acepack", required=True, help="the acepack binary")
    ap.add_argument("--group", choices=sorted(GROUPS), action="append",
                    help="run only this group (repeatable; default all)")
    ap.add_argument("--valgrind", help="run every call under this valgrind")
    ap.add_argument("--forkrun", help="with --valgrind: this forkrun binary (tests/cli/"
                    "forkrun.c) runs the calls, one forked child each, in one valgrind process")
    args = ap.parse_args()
    if args.forkrun and not args.valgrind:
        ap.error("--forkrun needs --valgrind")
    with tempfile.TemporaryDirectory(prefix="acepack-cli-") as d:
        for name, data in FILES.items():
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)
        t = Runner(os.path.abspath(args.acepack), d, args.valgrind,
                   os.path.abspath(args.forkrun) if args.forkrun else None)
        for g in args.group or sorted(GROUPS):
            print(f"# group {g}")
            GROUPS[g](t)
        t.finish()
    print(f"# {t.checks} checks, {t.failures} failed")
    return 1 if t.failures else 0


if __name__ == "__main__":
    sys.exit(main())
