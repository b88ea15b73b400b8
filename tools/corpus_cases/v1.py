"""v1/: format v1 files (6, R-V1-*, and the shared R-HDR/R-LAY/R-CHK/R-IDX rules with H = 64,
E = index_offset). A v1 file has no events; its core/log/ keys are plain KV entries (D-7)."""

import json

from . import binfmt as B
from .common import TS0, canon, canon_v1
from .model import ACCEPT, Cases


def log_value(i, kind=1, source=2, key="k", p=None):
    """The value 0.1.0 appendEntry writes: JSON.stringify({...entry, id, ts})."""
    entry = {"kind": kind, "content_source": source, "key": key, "payload": p or {"i": i},
             "id": i, "ts": TS0 + i}
    return json.dumps(entry, separators=(",", ":")).encode()


def v1_with_log(n):
    kv = {"knowledge/agents/ops/AGENT.md": b"# Ops\nBe careful.",
          "meta/log_entry_seq": str(n).encode()}
    for i in range(1, n + 1):
        kv["core/log/%012d" % i] = log_value(i)
    return kv


def cases():
    C = Cases("v1")
    empty = canon_v1({})
    C.read("empty", empty, "the empty v1 store: 64-byte header and the index {} at 64 (66 "
           "bytes, what 0.1.0 writes for a new store)", ACCEPT, ACCEPT, ["W-V1-1", "R-V1-2"],
           kv={})
    kv = {"a": b"hello", "state/b": b'{"x":1}', "": b"", "7": b"seven"}
    C.read("canonical", canon_v1(kv), "four keys in canonical v1 form (W-V1-1)", ACCEPT, ACCEPT,
           ["W-V1-1", "R-CHK-2"], kv=kv)
    kv3 = v1_with_log(3)
    C.read("with_log_entries", canon_v1(kv3), "an agent file, meta/log_entry_seq and three "
           "core/log/ entries: all plain KV entries to a v1 reader (D-7)", ACCEPT, ACCEPT,
           ["W-V1-1"], kv=kv3)

    b = B.V1()
    b.raw(B.u32(3) + b"old")
    b.chunk(b"hello", key="a")
    b.raw(b"\x00" * 9)
    b.index()
    b.tail(b"tail bytes")
    C.read("dead_space_and_tail", b.build(), "a stale chunk before and 9 dead bytes after the "
           "live chunk, and a tail after the index", ACCEPT, ACCEPT, ["R-CHK-2", "R-LAY-1"],
           kv={"a": b"hello"})

    # R-V1-1 (strict): reserved bytes 32..63.
    base = canon_v1({"a": b"hello"})
    for pos, val in ((32, 0x01), (63, 0xFF)):
        C.read(f"reserved_byte{pos}", B.patch(base, pos, bytes([val])),
               f"reserved v1 header byte {pos} is 0x{val:02x}, flags 0", "R-V1-1", ACCEPT)
    C.read("reserved_all_ff", B.patch(base, 32, b"\xff" * 32), "reserved bytes 32..63 all "
           "0xFF, flags 0", "R-V1-1", ACCEPT)
    C.read("reserved_nonzero_compatible_flag", B.patch_u32(B.patch(base, 32, b"\xff" * 32),
                                                           B.OFF_FLAGS, 1),
           "reserved bytes all 0xFF with compatible flag bit 0: not checked", ACCEPT, ACCEPT,
           ["R-V1-1", "R-HDR-4"])
    C.read("flags_incompatible", B.patch_u32(base, B.OFF_FLAGS, 0x00010000),
           "v1 file with incompatible flag bit 16: defined for version 2 files only (spec "
           "3.7), so a v1 file with it is rejected", "R-HDR-4", "R-HDR-4")
    C.read("flags_compatible", B.patch_u32(base, B.OFF_FLAGS, 0x00000004),
           "v1 file with compatible flag bit 2", ACCEPT, ACCEPT, ["R-HDR-4"])

    # R-V1-2 (strict): index_offset >= 64. With flags 0 the index would have to lie in the
    # zero reserved bytes, breaking R-V1-1 as well; a compatible flag bit avoids that.
    for off in (32, 62, 63):
        d = bytearray(B.header_v1(index_offset=off, index_length=2, flags=1))
        d += bytes(max(0, off + 2 - 64))
        d[off:off + 2] = b"{}"
        C.read(f"index_offset_{off}", bytes(d), f"flags 0x1; the index {{}} at offset {off} "
               "(inside the 64-byte header)", "R-V1-2", ACCEPT, kv={})
    d = bytearray(B.header_v1(index_offset=40, index_length=2))
    d[40:42] = b"{}"
    C.read("index_offset_40_flags_0", bytes(d), "flags 0; the index {} at offset 40, in the "
           "reserved bytes", ("R-V1-1", "R-V1-2"), ACCEPT, kv={})

    # Shared rules on v1 files.
    d = B.patch_u64(empty[:64], B.OFF_V1_INDEX_LENGTH, 0)
    C.read("size_64_empty_index", d, "exactly 64 bytes: header only, index at 64 of length 0 "
           "(not a JSON text)", "R-IDX-2", "R-IDX-2")
    C.read("size_65_truncated", empty[:65], "the empty v1 store cut to 65 bytes: the index {} "
           "ends past the end of the file", "R-LAY-1", "R-LAY-1")
    for v in (B.MAX53, B.MAX64, B.MAX64 - 1):
        C.read(f"index_offset_{B.vname(v)}", B.patch_u64(base, B.OFF_V1_INDEX_OFFSET, v),
               f"index_offset {v} (offset + length may wrap in 64 bits)", "R-LAY-1", "R-LAY-1")
    C.read("index_length_2p64m1", B.patch_u64(base, B.OFF_V1_INDEX_LENGTH, B.MAX64),
           "index_length 2^64-1", "R-LAY-1", "R-LAY-1")
    hb = B.V1()
    hb.chunk(b"hello", key="a")
    hb.index(B.index_text(hb.entries + [("hdr", 60, 0)]))
    C.read("chunk_in_header", hb.build(), "key 'hdr' at offset 60, length 0: its prefix is the "
           "zero reserved bytes 60..63", "R-CHK-2", ACCEPT, kv={"a": b"hello", "hdr": b""})
    b = B.V1()
    b.chunk(b"hello", key="a", prefix=6)
    b.index()
    C.read("prefix_mismatch", b.build(), "the chunk of 'a' has prefix 6 for index length 5",
           "R-CHK-3", ACCEPT, kv={"a": b"hello"})
    b = B.V1()
    off = b.chunk(b"shared", key="a")
    b.index(B.index_text(b.entries + [("b", off, 6)]))
    C.read("chunks_overlap", b.build(), "keys 'a' and 'b' share one chunk", "R-CHK-4", ACCEPT,
           kv={"a": b"shared", "b": b"shared"})
    b = B.V1()
    b.chunk(b"hello", key="a")
    b.index(B.index_text(b.entries + [("x", 100000, 1)]))
    C.read("value_past_eof", b.build(), "key 'x' at offset 100000", ("R-CHK-1", "R-CHK-2"),
           "R-CHK-1")
    b = B.V1()
    b.chunk(b"hello", key="a")
    b.index('{ "a": {"offset":64,"length":5} }')
    C.read("index_whitespace", b.build(), "the index has spaces between tokens", "R-IDX-3",
           ACCEPT, ["R-IDX-8"], kv={"a": b"hello"})
    b = B.V1()
    b.chunk(b"hello", key="a")
    b.chunk(b"world", key="a")
    b.index()
    C.read("index_dup_key", b.build(), "key 'a' twice, at two different chunks (hello, "
           "world): compat keeps the last", "R-IDX-7", ACCEPT, ["R-IDX-12"],
           kv={"a": b"world"})

    # A v2 file with version 1: read as v1 (the JS 0.2.0 store takes the v1 path for any
    # version below 2). Header bytes 32..63 (kv_chunk_end...) are not zero.
    s = canon({"a": b"hello", "b": b"world"}, [B.ev(TS0, "{}")])
    C.read("v2_layout_version_1", B.patch_u32(s, B.OFF_VERSION, 1),
           "a canonical v2 file whose version is 1: a v1 reader finds the index at "
           "index_offset, the v2 fields in its reserved bytes, the event section as dead "
           "space", "R-V1-1", ACCEPT, ["R-HDR-3"], kv={"a": b"hello", "b": b"world"})
    return C
