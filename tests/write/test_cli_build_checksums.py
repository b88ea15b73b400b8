#!/usr/bin/env python3
"""`acepack build --checksums` (spec 3.8, W-CRC-1) checked by the Python implementation.

For corpus dumps of every shape (kv only, events, both, empty, a format_version 1 dump, a
dump of a checksummed file), the C CLI builds the file with and without --checksums, to a
path and to standard output.  pyacepack (tools/pyacepack, written from the spec alone)
then says whether the result is right:

- the flags word is exactly 1 (bit 0; compatible bits of the content are cleared,
  W-CAN-4), and no byte but flags and bytes 64..79 differs from the canonical file;
- the four CRC32C fields equal pyacepack's CRC32C of the header and of each region, and
  pyacepack's strict reader (which verifies R-CRC-1..5) accepts the file;
- its dump equals the dump of the canonical file with flags 1 (bit 0 is content, 3.8);
- the bytes equal `pyacepack build --checksums` of the same dump;
- a format_version 1 dump gives the v1 file unchanged (R-CRC-6);
- one flipped byte in each region makes pyacepack reject the file under that region's
  rule (the checks above can fail);
- there is no `build --segmented` (W-SEG-1: the builder never sets bit 16): exit 2.

    test_cli_build_checksums.py ACEPACK_CLI
"""
import os
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import pyacepack  # noqa: E402
from pyacepack.acepack import _canonical_of_dump  # noqa: E402
from pyacepack.checksums import header_crc  # noqa: E402
from pyacepack.crc32c import crc32c  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clitest  # noqa: E402
from clitest import check, read, run  # noqa: E402

clitest.use(sys.argv[1])

CORPUS = os.path.join(ROOT, "corpus")
# Shapes, not a sample: each file is named for what it holds (see corpus/manifest.json).
DUMPS = [
    "index/y_empty.dump.json",                        # no keys, no events
    "index/y_canonical.dump.json",                    # keys only
    "events/y_base_2p31_n3.dump.json",                # events only, evt_base_id 2^31
    "writer/y_events_2.dump.json",
    "mutation/y_integer_keys_0_to_19.dump.json",
    "large/y_canonical_10000_empty_values.dump.json",  # 10,000 chunks
    "checksums/y_dump_with_bit0.dump.json",           # content with bit 0 already
    "header/y_flags_compatible_00008000.dump.json",   # a compatible bit: cleared (W-CAN-4)
    "segmented/y_2_segments_of_3_5.dump.json",        # built plain all the same (W-SEG-1)
    "v1/y_canonical.dump.json",                       # v1: no checksums (R-CRC-6)
    "js/y_v1_session.dump.json",
]


def u32(b, off):
    return int.from_bytes(b[off:off + 4], "big")


def u64(b, off):
    return int.from_bytes(b[off:off + 8], "big")


def crc_fields_match(b):
    """The four fields against pyacepack's CRC32C of what they cover (spec 3.8)."""
    chunk_end, evt_off, evt_len = u64(b, 32), u64(b, 40), u64(b, 48)
    idx_off, idx_len = u64(b, 16), u64(b, 24)
    return (u32(b, 64) == header_crc(b[:128]) and u32(b, 68) == crc32c(b[128:chunk_end])
            and u32(b, 72) == crc32c(b[evt_off:evt_off + evt_len])
            and u32(b, 76) == crc32c(b[idx_off:idx_off + idx_len]))


def rejected_as(b, rule):
    try:
        pyacepack.read(b, "strict")
    except pyacepack.Reject as e:
        return e.rule == rule
    return False


def one(tmp, rel):
    path = os.path.join(CORPUS, rel)
    name = os.path.basename(rel)
    text = read(path)
    plain_out, crc_out = os.path.join(tmp, "plain.ace"), os.path.join(tmp, "crc.ace")
    rc, _, err = run("build", path, plain_out)
    check(rc == 0, f"{name}: build", err)
    rc, _, err = run("build", "--checksums", path, crc_out)
    check(rc == 0, f"{name}: build --checksums", err)
    if rc != 0:
        return
    plain, crcd = read(plain_out), read(crc_out)
    rc, to_stdout, err = run("build", path, "-", "--checksums")
    check(rc == 0 and to_stdout == crcd, f"{name}: --checksums to stdout = to a path", err)
    py = _canonical_of_dump(text, checksums=True)
    check(crcd == py, f"{name}: the bytes of `pyacepack build --checksums`")
    if u32(plain, 8) == 1:
        check(crcd == plain, f"{name}: a v1 dump gives the v1 file unchanged (R-CRC-6)")
        return
    check(u32(crcd, 12) == 1, f"{name}: flags word is 1 (bit 0 only), got {u32(crcd, 12):#x}")
    same = len(crcd) == len(plain) and all(
        crcd[i] == plain[i] for i in range(len(plain)) if not (12 <= i < 16 or 64 <= i < 80))
    check(same, f"{name}: no byte but flags and 64..79 differs from the canonical file")
    check(crc_fields_match(crcd), f"{name}: the CRC32C fields are pyacepack's")
    try:
        content = pyacepack.read(crcd, "strict")
    except (pyacepack.Reject, pyacepack.Unsupported) as e:
        check(False, f"{name}: pyacepack strict accepts it: {e}")
        return
    want = pyacepack.dump(pyacepack.read(plain, "strict")).replace(b'"flags":0,', b'"flags":1,', 1)
    check(pyacepack.dump(content) == want, f"{name}: dump = the canonical file's, flags 1")
    c_dump = run("dump", crc_out)[1]
    check(c_dump == want, f"{name}: the C dump agrees")
    # One flipped byte in the header (a reserved byte) or in a region is caught under that
    # region's rule: the CRCs cover what they must, and the checks above can fail.
    for rule, off in (("R-CRC-1", 100), ("R-CRC-2", 128), ("R-CRC-3", u64(crcd, 40)),
                      ("R-CRC-4", u64(crcd, 16))):
        if rule == "R-CRC-2" and u64(crcd, 32) == 128:
            continue  # no chunk region to damage
        bad = bytearray(crcd)
        bad[off] ^= 0x01
        check(rejected_as(bytes(bad), rule), f"{name}: a flipped byte at {off}: {rule}")

def main():
    with tempfile.TemporaryDirectory() as tmp:
        for rel in DUMPS:
            one(tmp, rel)
        rc, _, err = run("build", "--segmented", os.path.join(CORPUS, DUMPS[1]),
                         os.path.join(tmp, "seg.ace"))
        check(rc == 2 and b"unknown option '--segmented'" in err,
              "build --segmented: usage error (the builder never segments, W-SEG-1)", err)
        check(not os.path.exists(os.path.join(tmp, "seg.ace")), "build --segmented: no file")
        rc, out, _ = run("build", "--help")
        check(rc == 0 and b"--checksums" in out and b"W-SEG-1" in out, "build --help documents both")
    if clitest.FAILURES:
        print(f"{len(clitest.FAILURES)} failure(s)")
        return 1
    print("all ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
