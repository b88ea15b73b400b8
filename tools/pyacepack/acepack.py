#!/usr/bin/env python3
"""Command line of pyacepack: the conformance adapter protocol and a few helper commands.

  acepack.py adapter capabilities
  acepack.py adapter read FILE [--profile strict|compat]   dump on stdout
  acepack.py adapter write                                 dump on stdin -> canonical file
  acepack.py adapter migrate [--profile strict|compat]     v1 on stdin -> v2 on stdout
  acepack.py adapter serve                                 the persistent protocol (serve.py)
  acepack.py dump FILE [--profile strict|compat]
  acepack.py build DUMP OUT [--checksums]                  canonical file of a dump (with
                                                           --checksums: flag bit 0, spec 3.8)
  acepack.py migrate IN OUT [--profile strict|compat]      report (M-10) on stdout

Exit codes: 0 ok, 1 invalid input (rejected / refused), 2 usage, 3 unsupported, 4 internal
error of the adapter (an exception nobody expected: never mistaken for a rejection).
"""

import json
import mmap
import os
import sys
import traceback

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from pyacepack.errors import Refused  # noqa: E402
from pyacepack import Reject, Unsupported, build_v1, build_v2, dump, parse_dump, read  # noqa: E402
from pyacepack.migrate import migrate  # noqa: E402

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_UNSUPPORTED, EXIT_INTERNAL = 0, 1, 2, 3, 4
CAPABILITIES = {"read": True, "write": True, "migrate": True, "profiles": ["strict", "compat"],
                "serve": True}


class Usage(Exception):
    pass


def _take_profile(args):
    """Remove `--profile X` (or --profile=X) from args; default strict."""
    profile = "strict"
    rest = []
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--profile":
            if i + 1 >= len(args):
                raise Usage("--profile needs a value")
            profile = args[i + 1]
            i += 2
            continue
        if a.startswith("--profile="):
            profile = a.split("=", 1)[1]
        else:
            rest.append(a)
        i += 1
    if profile not in ("strict", "compat"):
        raise Usage(f"unknown profile {profile!r}")
    return profile, rest


def _reject_line(name, e):
    sys.stderr.write(f"{name}:{e.offset}: {e.rule}: {e.message}\n")


def _unsupported_line(name, e):
    sys.stderr.write(f"{name}:{e.offset}: unsupported: {e.message}\n")


def _read_input(path):
    with open(path, "rb") as f:
        return f.read()


def _map_input(path):
    """The file to read, memory-mapped: a file over 4 GiB of mostly dead space (the large
    corpus cases) is read without loading it; the reader touches only what it checks."""
    with open(path, "rb") as f:
        try:
            return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        except (ValueError, OSError):  # empty, or not a regular file: read it
            return f.read()


def _write_stdout(b):
    sys.stdout.buffer.write(b)
    sys.stdout.buffer.flush()


def _canonical_of_dump(text, checksums=False):
    """The canonical file of a dump: v2 per 8.3, v1 per W-V1-1.  ValueError if not writable.
    checksums: the checksummed canonical v2 file (W-CRC-1); v1 files have no checksums."""
    c = parse_dump(text)
    if c.format_version == 1:
        if c.flags & 0xFFFF0000:
            raise Refused("W-HDR-2", 0, "incompatible feature flags")
        return build_v1(c.kv, 0)
    return build_v2(c, checksums=checksums)


def cmd_read(args):
    profile, rest = _take_profile(args)
    if len(rest) != 1:
        raise Usage("read FILE [--profile strict|compat]")
    return read_bytes(rest[0], _map_input(rest[0]), profile)


def read_bytes(name, data, profile):
    """The protocol's read of `data` (diagnostics name it `name`): dump or rejection."""
    try:
        out = dump(read(data, profile))
    except Reject as e:
        _reject_line(name, e)
        return EXIT_INVALID
    except Unsupported as e:
        _unsupported_line(name, e)
        return EXIT_UNSUPPORTED
    _write_stdout(out)
    return EXIT_OK


def cmd_adapter_write(args):
    if args:
        raise Usage("adapter write (dump on stdin)")
    return write_bytes(sys.stdin.buffer.read())


def write_bytes(data):
    """The protocol's write: the canonical file of a dump, or a rejection."""
    try:
        out = _canonical_of_dump(data)
    except Reject as e:  # Refused: the rule the dump breaks, named like a read's (3 protocol)
        _reject_line("<stdin>", e)
        return EXIT_INVALID
    except Unsupported as e:
        _unsupported_line("<stdin>", e)
        return EXIT_UNSUPPORTED
    _write_stdout(out)
    return EXIT_OK


def _migrate_bytes(name, data, profile):
    """(exit code, v2 bytes or None, report or None)."""
    try:
        out, report = migrate(data, profile)
    except Reject as e:
        _reject_line(name, e)
        return EXIT_INVALID, None, None
    except Unsupported as e:
        _unsupported_line(name, e)
        return EXIT_UNSUPPORTED, None, None
    return EXIT_OK, out, report


def cmd_adapter_migrate(args):
    profile, rest = _take_profile(args)
    if rest:
        raise Usage("adapter migrate [--profile strict|compat] (v1 file on stdin)")
    return migrate_bytes("<stdin>", sys.stdin.buffer.read(), profile)


def migrate_bytes(name, data, profile):
    """The protocol's migrate: the v2 file, or a refusal."""
    code, out, _ = _migrate_bytes(name, data, profile)
    if out is not None:
        _write_stdout(out)
    return code


def cmd_adapter(args):
    if not args:
        raise Usage("adapter capabilities|read|write|migrate")
    sub, rest = args[0], args[1:]
    if sub == "capabilities":
        if rest:
            raise Usage("adapter capabilities")
        _write_stdout((json.dumps(CAPABILITIES, separators=(",", ":")) + "\n").encode())
        return EXIT_OK
    if sub == "read":
        return cmd_read(rest)
    if sub == "write":
        return cmd_adapter_write(rest)
    if sub == "migrate":
        return cmd_adapter_migrate(rest)
    if sub == "serve":
        if rest:
            raise Usage("adapter serve")
        from pyacepack.serve import serve  # noqa: PLC0415 - only servers need it
        return serve(sys.modules[__name__])
    raise Usage(f"unknown adapter command {sub!r}")


def cmd_build(args):
    checksums = "--checksums" in args
    args = [a for a in args if a != "--checksums"]
    if len(args) != 2:
        raise Usage("build DUMP OUT [--checksums]")
    try:
        out = _canonical_of_dump(_read_input(args[0]), checksums)
    except Reject as e:
        _reject_line(args[0], e)
        return EXIT_INVALID
    except Unsupported as e:
        _unsupported_line(args[0], e)
        return EXIT_UNSUPPORTED
    with open(args[1], "wb") as f:
        f.write(out)
    return EXIT_OK


def cmd_migrate(args):
    profile, rest = _take_profile(args)
    if len(rest) != 2:
        raise Usage("migrate IN OUT [--profile strict|compat]")
    code, out, report = _migrate_bytes(rest[0], _read_input(rest[0]), profile)
    if out is not None:
        # M-2: never touch the input; write a temporary file and rename it over OUT.
        tmp = rest[1] + ".tmp-pyacepack"
        with open(tmp, "wb") as f:
            f.write(out)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, rest[1])
        _write_stdout((json.dumps(report, ensure_ascii=False) + "\n").encode("utf-8"))
    return code


COMMANDS = {"adapter": cmd_adapter, "dump": cmd_read, "build": cmd_build, "migrate": cmd_migrate}


def main(argv):
    if not argv or argv[0] not in COMMANDS:
        sys.stderr.write(__doc__)
        return EXIT_USAGE
    return guarded(COMMANDS[argv[0]], argv[1:])


def guarded(fn, *args):
    """fn(*args) with every exception mapped to an exit code. Anything unexpected is exit 4
    with the traceback: Python's own exit status for an uncaught exception is 1, which the
    protocol reserves for a rejection with its diagnostic."""
    try:
        return fn(*args)
    except Usage as e:
        sys.stderr.write(f"usage: acepack.py {e}\n")
        return EXIT_USAGE
    except OSError as e:
        sys.stderr.write(f"error: {e}\n")
        return EXIT_USAGE
    except Exception:  # noqa: BLE001 - the point is to catch everything
        sys.stderr.write("acepack.py: internal error\n" + traceback.format_exc())
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
