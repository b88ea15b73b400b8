#!/usr/bin/env python3
"""Segmented files (spec 3.7) across the two implementations, both directions:

1. the C CLI writes a segmented store (`append --segmented`, `put --segmented`, then a
   commit past 64 segments): pyacepack reads every intermediate file under strict, and its
   dump equals the content this test tracks itself and the C dump;
2. pyacepack writes segmented files (tools/pyacepack/segwrite.py: build_segmented and
   append_segment): the C CLI validates them under strict, and its dump equals pyacepack's.

The C reads go through one `acepack adapter serve` process (clitest.Reader: full strict
validation and the dump, as `adapter read` prints them), not a process per file: each
commit is still its own `acepack put/append` process, which opens the segmented store.

    test_segmented_interop.py ACEPACK_CLI
"""
import os
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import pyacepack  # noqa: E402
from pyacepack.model import Content, Event  # noqa: E402
from pyacepack.segwrite import append_segment, build_segmented  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clitest  # noqa: E402
from clitest import check, run  # noqa: E402

clitest.use(sys.argv[1])
failures = clitest.FAILURES


def flags_of(path):
    with open(path, "rb") as f:
        return int.from_bytes(f.read(16)[12:16], "big")


def c_writes(tmp, reader, checksums=False):
    """checksums: --checksums too (flag bit 0): every segment_crc is then the CRC32C of its
    segment (W-SEG-5), which pyacepack's strict read verifies (R-SEG-10)."""
    path = os.path.join(tmp, "c_crc.ace" if checksums else "c.ace")
    opt = ["--checksums"] if checksums else []
    kv, events = {}, []
    max_s, seen_seg, plain_after = 0, False, False
    for c in range(90):
        payload = b'{"c":%d}' % c
        if c % 10 == 3:
            key = "key%d" % c
            rc, _, err = run("put", path, key, "--segmented", *opt, "-", stdin=payload)
            kv[key] = payload
        else:
            rc, _, err = run("append", path, "--ts", str(5000 + c), "--kind", str(c % 4), "--source",
                    "1", "--segmented", *opt, "-", stdin=payload)
            events.append(Event(5000 + c, c % 4, 1, 0, payload))
        check(rc == 0, f"C commit {c}: {err!r}")
        with open(path, "rb") as f:
            data = f.read()
        if flags_of(path) & 0x10000:
            seen_seg = True
            evt_off = int.from_bytes(data[40:48], "big")
            max_s = max(max_s, int.from_bytes(data[evt_off:evt_off + 4], "big"))
            if checksums:
                check(flags_of(path) & 1, f"C commit {c}: --checksums without flag bit 0")
        elif seen_seg:
            plain_after = True
        want = pyacepack.dump(Content(2, 1 if checksums else 0, 0, kv, events))  # 3.8: bit 0 is content
        try:
            got = pyacepack.dump(pyacepack.read(data, "strict"))
        except (pyacepack.Reject, pyacepack.Unsupported) as e:
            check(False, f"C commit {c}: pyacepack rejects the file: {e}")
            continue
        check(got == want, f"C commit {c}: pyacepack's dump differs from the test's content")
        rc, c_dump, err = reader.read(path)
        check(rc == 0 and c_dump == (want.encode() if isinstance(want, str) else want),
              f"C commit {c}: C dump differs", err)
    # 81 commits with events: the writer compacts (W-SEG-3, or the growth bound W-COMPACT-2)
    # before S exceeds 64, then segments again
    check(seen_seg and 1 < max_s <= 64, f"S stays in 2..64 (largest {max_s})")
    check(plain_after, "a compaction made the segmented store plain at least once")
    check(flags_of(path) & 0x10000, "segmenting resumes after the compaction")


def py_writes(tmp, reader):
    evs = [Event(1000 + i, i % 6, 1 + i % 3, i % 2, b'{"i":%d}' % i) for i in range(40)]
    kv = {"a": b"x", "b/c": b"\x00\xff", "42": b""}
    cases = {"three": (Content(2, 0, 0, kv, evs), [10, 10, 20]),
             "sixty_four": (Content(2, 0, 7, kv, evs[:64]), [1] * 40),
             "one": (Content(2, 0, 0, {}, evs[:1]), [1])}
    for name, (c, sizes), crc in [(n, v, crc) for n, v in cases.items() for crc in (0, 1)]:
        name += "_crc" if crc else ""
        path = os.path.join(tmp, name + ".ace")
        with open(path, "wb") as f:
            f.write(build_segmented(c, sizes, checksums=bool(crc)))
        rc, got, err = reader.read(path)
        check(rc == 0, f"pyacepack {name}: C rejects it: {err!r}")
        want = pyacepack.dump(Content(2, crc, c.evt_base_id, c.kv, c.events))  # bit 0: content
        check(got == (want.encode() if isinstance(want, str) else want),
              f"pyacepack {name}: C dump differs")
    for crc in (False, True):
        py_appends(tmp, reader, kv, evs, crc)


def py_appends(tmp, reader, kv, evs, crc):
    data = pyacepack.build_v2(Content(2, 0, 0, kv, evs[:5]), checksums=crc)
    for lo in range(5, 40, 5):
        data = append_segment(data, evs[lo:lo + 5])   # keeps flag bit 0 when data has it
        path = os.path.join(tmp, "appended.ace")
        with open(path, "wb") as f:
            f.write(data)
        rc, got, err = reader.read(path)
        check(rc == 0 and flags_of(path) & 1 == crc,
              f"pyacepack append_segment (checksums {crc}): C rejects it: {err!r}")
        want = pyacepack.dump(Content(2, int(crc), 0, kv, evs[:lo + 5]))
        check(got == (want.encode() if isinstance(want, str) else want),
              f"pyacepack append_segment to {lo + 5} events: C dump differs")


with tempfile.TemporaryDirectory() as tmp:
    reader = clitest.Reader()
    c_writes(tmp, reader)
    c_writes(tmp, reader, checksums=True)
    py_writes(tmp, reader)
    check(reader.close() == 0, "the C reader's server ends with status 0 (no leak)")
print("FAIL" if failures else "ok", f"{len(failures)} failure(s)")
sys.exit(1 if failures else 0)
