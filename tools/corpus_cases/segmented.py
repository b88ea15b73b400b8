"""segmented/: the segmented event log, flag bit 16 (spec 3.7, R-SEG-1..9, W-SEG-*).

Files are laid out as a segmented writer lays them out (W-SEG-2): chunks and segments in the
chunk region in file order, then the segment table at kv_chunk_end = evt_offset, then the
index. The table, entries and segments are built here from the spec's field table, not with
pyacepack's writer. Every case name holds "segmented" (through the area) so that the 1.0
reader test can find them: a 1.0 reader rejects each under R-HDR-4 at offset 12.
"""

from . import binfmt as B
from .common import TS0, canon, events_n, payload
from .model import ACCEPT, Cases

SEG = 0x00010000
KV = {"a": b"hello", "state/b": b'{"x":1}'}


def evs(lo, n):
    """Events lo..lo+n-1 of one event list (timestamps and payloads follow the index)."""
    return [B.ev(TS0 + i, payload("k%d" % i, {"i": i}), kind=1 + i % 6, source=1 + i % 3)
            for i in range(lo, lo + n)]


def seg_file(parts, *, base=0, flags=SEG, over=None, S=None, table_reserved=b"\0\0\0\0",
             table=None, table_trailer=b"", index=None, hdr=None, checksums=False):
    """parts: ("chunk", key, value) | ("seg", events[, section overrides]) | ("raw", bytes),
    in file order. over: {k: {"offset"|"length"|"first"|"crc"|"reserved": value}} overrides
    of table entry k. table: raw table bytes instead. hdr: header field overrides.
    checksums: flag bit 0 too (spec 3.8), each segment_crc the CRC32C of its segment
    (R-SEG-10, before `over`) and the header signed over the final bytes (binfmt.sign)."""
    b = B.V2()
    segs = []
    for p in parts:
        if p[0] == "chunk":
            b.chunk(p[2], key=p[1])
        elif p[0] == "raw":
            b.raw(p[1])
        else:
            sec = B.event_section(p[1], **(p[2] if len(p) > 2 else {}))
            segs.append({"offset": b.raw(sec), "length": len(sec), "n": len(p[1]),
                         "crc": B.crc32c(sec) if checksums else 0})
    first = 0
    for g in segs:
        g.update(first=first, reserved=0)
        first += g["n"]
    for k, fields in (over or {}).items():
        segs[k].update(fields)
    if table is None:
        table = B.u32(len(segs) if S is None else S) + table_reserved
        for g in segs:
            table += (B.u64(g["offset"]) + B.u64(g["length"]) + B.u64(g["first"]) +
                      B.u32(g["crc"]) + B.u32(g["reserved"]))
        table += table_trailer
    b.evt_offset = b.raw(table)
    b.evt_length = len(table)
    b.n_events = first
    b.index(index)
    f = dict(flags=flags, evt_base_id=base)
    f.update(hdr or {})
    d = b.build(**f)
    return B.sign(d) if checksums else d


def plain_parts(groups, kv=KV):
    """The chunks of kv, then one segment per group size."""
    parts = [("chunk", k, v) for k, v in kv.items()]
    lo = 0
    for n in groups:
        parts.append(("seg", evs(lo, n)))
        lo += n
    return parts


def cases():
    C = Cases("segmented")
    R = ["R-SEG-1", "R-SEG-3", "R-SEG-4", "R-SEG-5", "R-SEG-6"]

    # Valid files: the event list is the segments' events in table order (same dump as the
    # plain file of the same content: D-3 clears bit 16; the generator checks the round trip).
    for groups in ((1,), (2,), (1, 1), (3, 5), (1, 2, 3, 4, 5), (4,) * 16, (1,) * 64):
        name = "one" if len(groups) == 1 else f"{len(groups)}_segments"
        if len(groups) == 1:
            name += f"_{groups[0]}"
        C.read(name + ("_of_" + "_".join(map(str, groups)) if 1 < len(groups) < 6 else ""),
               seg_file(plain_parts(groups)),
               f"segments of {groups} events (pads {[B.pad_of(n) for n in groups]}); "
               "the events are those of the segments in table order", ACCEPT, ACCEPT,
               R + ["R-EVT-10", "W-SEG-2"], n_events=sum(groups))
    C.read("chunks_between_segments",
           seg_file([("chunk", "a", b"hello"), ("seg", evs(0, 2)), ("raw", b"dead space"),
                     ("chunk", "state/b", b'{"x":1}'), ("seg", evs(2, 3))]),
           "a chunk, a segment, dead space, a chunk, a segment: the layout of two commits "
           "(W-SEG-2); segments are live data, chunks and dead space may lie between them",
           ACCEPT, ACCEPT, ["R-SEG-3", "R-SEG-4", "R-SEG-9", "W-SEG-2"], kv=KV, n_events=5)
    C.read("no_keys", seg_file(plain_parts((2, 1), kv={}), index="{}"),
           "no keys, two segments", ACCEPT, ACCEPT, ["R-SEG-3"], n_events=3)
    for base in (7, B.MAX32 - 1, B.MAX32):
        C.read(f"base_{B.vname(base)}", seg_file(plain_parts((2, 3)), base=base),
               f"evt_base_id {base}: ids continue across segments ({base + 1}..{base + 5})",
               ACCEPT, ACCEPT, ["R-EVT-10", "R-SEG-6"], n_events=5)
    C.read("segment_crc_with_unknown_compatible_bit",
           seg_file(plain_parts((2, 1)), flags=SEG | 0x0002, over={0: {"crc": 0x12345678}}),
           "segment_crc non-zero with compatible bit 1 (not defined) set: R-SEG-8 does not "
           "apply (a compatible feature may use it), and bit 1 is ignored",
           ACCEPT, ACCEPT, ["R-SEG-8", "R-HDR-4"], n_events=3)

    # R-HDR-4: another incompatible bit beside bit 16 is still rejected.
    C.read("with_bit_17", seg_file(plain_parts((2,)), flags=SEG | 0x20000),
           "bits 16 and 17 set: bit 17 is not defined", "R-HDR-4", "R-HDR-4",
           at={"strict": ("R-HDR-4", 12), "compat": ("R-HDR-4", 12)})
    C.read("bit16_on_plain_section", B.canonical_v2(KV, evs(0, 2)),
           "bit 16 clear: a plain section", ACCEPT, ACCEPT, ["R-HDR-4", "W-SEG-1"], n_events=2)
    plain = canon(KV, evs(0, 2))
    C.read("bit16_set_on_plain_file", B.patch_u32(plain, 12, SEG),
           "a plain canonical file with bit 16 set: its event section read as a segment table "
           "(S = 2, evt_length is not 8 + 64)", "R-SEG-1", "R-SEG-1",
           at={"strict": ("R-SEG-1", 48), "compat": ("R-SEG-1", 48)})

    # R-SEG-1: the table's shape.
    C.read("table_4_bytes", seg_file(plain_parts(()), table=B.u32(1)),
           "evt_length 4: shorter than the table's 8-byte head", "R-SEG-1", "R-SEG-1",
           at={"strict": ("R-SEG-1", 48), "compat": ("R-SEG-1", 48)})
    d = seg_file(plain_parts(()), table=B.u32(0) + bytes(4))
    C.read("table_s0", d, "S = 0: an empty table is not an empty event log", "R-SEG-1",
           "R-SEG-1", at={p: ("R-SEG-1", B.get_u64(d, 40)) for p in ("strict", "compat")})
    d = seg_file(plain_parts((2,)), S=65537)
    C.read("table_s65537", d, "S = 65537 (above 65536), one entry present", "R-SEG-1",
           "R-SEG-1", at={p: ("R-SEG-1", B.get_u64(d, 40)) for p in ("strict", "compat")})
    C.read("table_s2_one_entry", seg_file(plain_parts((2,)), S=2),
           "S = 2 with evt_length 40 (one entry)", "R-SEG-1", "R-SEG-1",
           at={"strict": ("R-SEG-1", 48), "compat": ("R-SEG-1", 48)})
    C.read("table_trailing_bytes", seg_file(plain_parts((2,)), table_trailer=bytes(4)),
           "evt_length = 8 + 32S + 4", "R-SEG-1", "R-SEG-1",
           at={"strict": ("R-SEG-1", 48), "compat": ("R-SEG-1", 48)})

    # R-SEG-2 (strict): reserved fields.
    d = seg_file(plain_parts((2,)), table_reserved=b"\0\0\x01\0")
    C.read("table_reserved_nonzero", d, "the table's reserved u32 is 0x00000100", "R-SEG-2",
           ACCEPT, at={"strict": ("R-SEG-2", B.get_u64(d, 40) + 6)}, n_events=2)
    d = seg_file(plain_parts((1, 2)), over={1: {"reserved": 1}})
    C.read("entry_reserved_nonzero", d, "entry 1's reserved u32 is 1", "R-SEG-2", ACCEPT,
           at={"strict": ("R-SEG-2", B.get_u64(d, 40) + 8 + 32 + 31)}, n_events=3)

    # R-SEG-3: placement.
    C.read("segment_in_header", seg_file(plain_parts((1,)), over={0: {"offset": 64, "length": 8}}),
           "entry 0 points at header bytes 64..71 (zero: an empty section); strict also finds "
           "no event in it", ("R-SEG-3", "R-SEG-6", "R-SEG-7"), ("R-SEG-3", "R-SEG-6"))
    d = seg_file(plain_parts((2,)))
    eo = B.get_u64(d, 40)
    first_len = B.get_u64(d, eo + 16)
    d2 = seg_file(plain_parts((2,)), over={0: {"length": first_len + 8}})
    C.read("segment_into_table", d2, "entry 0's length reaches 8 bytes into the table; "
           "strict also finds the section longer than its own length",
           ("R-SEG-3", "R-EVT-4"), "R-SEG-3",
           at={"compat": ("R-SEG-3", B.get_u64(d2, 40) + 8)})
    C.read("segment_offset_wraps", seg_file(plain_parts((2,)),
                                            over={0: {"offset": B.MAX64 - 7, "length": 16}}),
           "segment_offset 2^64-8, length 16: the end wraps to 8 in 64 bits",
           ("R-SEG-3", "R-SEG-6"), ("R-SEG-3", "R-SEG-6"))
    C.read("segment_after_table", seg_file(plain_parts((2,)), over={0: {"offset": 1 << 40}}),
           "segment_offset 2^40, past the end of the file", ("R-SEG-3", "R-SEG-6"),
           ("R-SEG-3", "R-SEG-6"))
    # compat: the index before the table, a segment covering it.
    # built by hand: header, chunk, segment, index, table
    sec = B.event_section(evs(0, 2))
    idx = B.index_text([("a", 128, 5)])
    seg_off = 128 + 9
    idx_off = seg_off + len(sec)
    tab_off = idx_off + len(idx)
    tab = B.u32(1) + bytes(4) + B.u64(seg_off) + B.u64(len(sec) + len(idx)) + B.u64(0) + bytes(8)
    body = B.u32(5) + b"hello" + sec + idx + tab
    h = B.header_v2(kv_index_offset=idx_off, kv_index_length=len(idx), kv_chunk_end=tab_off,
                    evt_offset=tab_off, evt_length=len(tab), evt_count=2, flags=SEG)
    C.read("segment_covers_index", h + body, "compat layout: the index lies between the "
           "segment and the table, and segment 0 covers it; strict also rejects the index "
           "placement and the section length", ("R-LAY-5", "R-SEG-3", "R-EVT-4"), "R-SEG-3",
           at={"compat": ("R-SEG-3", tab_off + 8)})

    # R-SEG-4: file order.
    d = seg_file(plain_parts((2, 3)))
    eo = B.get_u64(d, 40)
    e0, e1 = d[eo + 8:eo + 40], d[eo + 40:eo + 72]
    sw = bytearray(d)
    sw[eo + 8:eo + 40] = e1[:16] + B.u64(0) + e1[24:]
    sw[eo + 40:eo + 72] = e0[:16] + B.u64(3) + e0[24:]
    C.read("segments_swapped", bytes(sw), "the two entries in reverse file order (first_event "
           "0 and 3, consistent): segments must be in file order", "R-SEG-4", "R-SEG-4",
           at={p: ("R-SEG-4", eo + 40) for p in ("strict", "compat")})
    C.read("same_segment_twice", _twice(), "both entries name the same segment (first_event 0, 2; "
           "evt_count 4)", "R-SEG-4", "R-SEG-4")
    C.read("segments_overlap_by_one", _overlap_one(), "segment 0's length reaches one byte "
           "into segment 1 (strict: longer than its own length too)", ("R-SEG-4", "R-EVT-4"),
           "R-SEG-4")
    C.read("segments_adjacent", seg_file(plain_parts((2, 2))), "segment 1 starts exactly at "
           "the end of segment 0", ACCEPT, ACCEPT, ["R-SEG-4"], n_events=4)

    # R-SEG-5: segment length, and the R-EVT rules inside each segment.
    d = seg_file(plain_parts((2, 1)), over={1: {"length": 4}}, hdr={})
    C.read("segment_length_4", d, "entry 1's segment_length is 4", "R-SEG-5",
           ("R-SEG-5",), at={p: ("R-SEG-5", B.get_u64(d, 40) + 8 + 32 + 8)
                             for p in ("strict", "compat")})
    C.read("segment_count_too_big", seg_file([("seg", evs(0, 1), {"count": 1000})],
                                             index="{}", hdr={"evt_count": 1000}),
           "segment count 1000 in a one-event segment", ("R-EVT-3", "R-EVT-4"), "R-EVT-3")
    C.read("segment_pad_nonzero", seg_file([("seg", evs(0, 1), {"pad": b"\0\x07\0"})],
                                           index="{}"),
           "segment 0's pad bytes are not zero", "R-EVT-5", ACCEPT, n_events=1)
    C.read("segment_ts_2p53", seg_file([("seg", evs(0, 1)), ("seg", [B.ev(2**53, "{}")])],
                                       index="{}"),
           "segment 1's event has ts 2^53", "R-EVT-8", ACCEPT, n_events=2)
    C.read("segment_payload_past_end",
           seg_file([("seg", evs(0, 1)), ("seg", [B.ev(TS0, "{}")], {"pay_len": [9]})],
                    index="{}"),
           "segment 1's payload length 9 reaches past the segment (the table follows)",
           ("R-EVT-7", "R-EVT-6"), "R-EVT-7")
    C.read("segment_pool_length_wrong",
           seg_file([("seg", evs(0, 2), {"pool_length": 1})], index="{}"),
           "segment 0's pool_length is 1", ("R-EVT-4", "R-EVT-6"), ACCEPT, n_events=2)
    C.read("segment_payload_not_json", seg_file([("seg", [B.ev(TS0, "[1]")])], index="{}"),
           "segment 0's payload is [1], not an object", "R-PAY-2", ACCEPT, n_events=1)

    # R-SEG-6: first_event and evt_count.
    d = seg_file(plain_parts((2, 1)), over={0: {"first": 1}})
    C.read("first_event_0_is_1", d, "entry 0's first_event is 1", "R-SEG-6", "R-SEG-6",
           at={p: ("R-SEG-6", B.get_u64(d, 40) + 24) for p in ("strict", "compat")})
    d = seg_file(plain_parts((2, 1, 3)), over={2: {"first": 4}})
    C.read("first_event_2_off_by_one", d, "entry 2's first_event is 4, not 3", "R-SEG-6",
           "R-SEG-6", at={p: ("R-SEG-6", B.get_u64(d, 40) + 8 + 64 + 16)
                          for p in ("strict", "compat")})
    for ec in (2, 4, B.MAX32):
        C.read(f"evt_count_{B.vname(ec)}_for_3", seg_file(plain_parts((2, 1)),
                                                          hdr={"evt_count": ec}),
               f"header evt_count {ec}, segments hold 3 events: unlike R-EVT-9, checked in "
               "compat too", "R-SEG-6", "R-SEG-6",
               at={p: ("R-SEG-6", 56) for p in ("strict", "compat")})

    # R-SEG-7 (strict): no empty segment.
    d = seg_file([("chunk", "a", b"hello"), ("seg", []), ("seg", evs(0, 2))])
    C.read("empty_segment", d, "segment 0 is an empty section (8 bytes): compat reads the "
           "events of segment 1", "R-SEG-7", ACCEPT,
           at={"strict": ("R-SEG-7", 128 + 9)}, n_events=2)

    # R-SEG-8 (strict): segment_crc without a compatible bit.
    d = seg_file(plain_parts((1, 2)), over={1: {"crc": 0xDEADBEEF}})
    C.read("crc_without_compatible_bit", d, "entry 1's segment_crc is 0xDEADBEEF, no "
           "compatible flag bit set (W-SEG-5: a writer writes zero)", "R-SEG-8", ACCEPT,
           at={"strict": ("R-SEG-8", B.get_u64(d, 40) + 8 + 32 + 24)}, rules=["W-SEG-5"],
           n_events=3)

    _segment_crc_cases(C)

    # R-SEG-9 (strict): chunks against segments.
    C.read("chunk_is_segment_head", _chunk_in_segment(), "an index entry whose chunk is the "
           "first 6 bytes of segment 0 (its count 2 read as a length field of 2)", "R-SEG-9",
           ACCEPT, n_events=2)
    C.read("chunk_runs_into_segment", _chunk_into_segment(), "a chunk of length 7 whose last "
           "3 bytes are the first bytes of segment 0", "R-SEG-9", ACCEPT, n_events=2)
    return C


def _twice():
    d = seg_file(plain_parts((2,)), hdr={"evt_count": 4})
    eo = B.get_u64(d, 40)
    e0 = d[eo + 8:eo + 40]
    # rebuild: table of two identical entries (first_event 0 and 2)
    tab = B.u32(2) + bytes(4) + e0 + e0[:16] + B.u64(2) + e0[24:]
    idx = d[B.get_u64(d, 16):]
    body = d[128:eo] + tab
    idx_off = 128 + len(body)
    h = B.header_v2(kv_index_offset=idx_off, kv_index_length=len(idx), kv_chunk_end=eo,
                    evt_offset=eo, evt_length=len(tab), evt_count=4, flags=SEG)
    return h + body + idx


def _overlap_one():
    d = seg_file(plain_parts((2, 2)))
    eo = B.get_u64(d, 40)
    return B.patch_u64(d, eo + 16, B.get_u64(d, eo + 16) + 1)


def _chunk_in_segment():
    sec = B.event_section(evs(0, 2))
    idx = B.index_text([("a", 128 + 9, 2)])
    return _layout([B.u32(5) + b"hello"], sec, idx, 2)


def _chunk_into_segment():
    sec = B.event_section(evs(0, 2))
    chunk = B.u32(7) + b"abc"   # claims 7 bytes: 3 of its own, then 4 of the segment
    idx = B.index_text([("a", 128, 7)])
    return _layout([chunk], sec, idx, 2)


def _layout(chunks, sec, idx, n):
    body = b"".join(chunks)
    seg_off = 128 + len(body)
    tab_off = seg_off + len(sec)
    tab = B.u32(1) + bytes(4) + B.u64(seg_off) + B.u64(len(sec)) + B.u64(0) + bytes(8)
    idx_off = tab_off + len(tab)
    h = B.header_v2(kv_index_offset=idx_off, kv_index_length=len(idx), kv_chunk_end=tab_off,
                    evt_offset=tab_off, evt_length=len(tab), evt_count=n, flags=SEG)
    return h + body + sec + tab + idx


def _segment_crc_cases(C):
    """R-SEG-10 (strict): with flag bit 0 (checksums, spec 3.8) each segment_crc is the CRC32C
    of its segment. Region CRCs are checked first (R-CRC-2 once the layout holds, at open),
    R-SEG-10 once the whole table holds; compat verifies neither."""
    good = seg_file(plain_parts((2, 3)), checksums=True)
    C.read("with_checksums", good, "flag bits 16 and 0: each segment_crc is the CRC32C of "
           "its segment, the region CRCs of 3.8 cover the segments (chunk region) and the "
           "table (event section)", ACCEPT, ACCEPT,
           ["R-SEG-10", "W-SEG-5", "R-CRC-2", "R-CRC-3", "R-CRC-4"], kv=KV, n_events=5)
    C.read("with_checksums_64_segments", seg_file(plain_parts((1,) * 64), checksums=True),
           "64 segments of one event, flag bits 16 and 0", ACCEPT, ACCEPT,
           ["R-SEG-10", "W-SEG-5"], n_events=64)
    eo = B.get_u64(good, 40)
    s1 = B.get_u64(good, eo + 8 + 32)
    crc1 = B.get_u32(good, eo + 8 + 32 + 24)
    wrong = B.sign(B.patch_u32(good, eo + 8 + 32 + 24, crc1 ^ 0x00000100))
    C.read("checksums_segment_crc_wrong", wrong, "entry 1's segment_crc off by one bit; the "
           "region CRCs and header_crc recomputed over the file as it is (so only R-SEG-10 "
           "sees it); compat does not verify it", "R-SEG-10", ACCEPT,
           at={"strict": ("R-SEG-10", s1)}, rules=["W-SEG-5"], kv=KV, n_events=5)
    C.read("checksums_segment_crc_zero", B.sign(B.patch_u32(good, eo + 8 + 24, 0)),
           "entry 0's segment_crc zero with bit 0 set (what a writer without W-SEG-5 leaves); "
           "the region CRCs recomputed", "R-SEG-10", ACCEPT,
           at={"strict": ("R-SEG-10", B.get_u64(good, eo + 8))}, n_events=5)
    # A damaged byte inside segment 1: "i":3 -> "i":7 in the payload pool (still valid JSON,
    # so no structural rule breaks). Left unsigned, chunks_crc sees it first: strict checks
    # R-CRC-2..4 as soon as the layout holds (3.8), before the segment table.
    at = good.find(b'"i":3', s1)
    assert s1 < at < eo, at
    damaged = B.patch(good, at + 4, b"7")
    C.read("checksums_segment_damaged", damaged, "one payload byte of segment 1 changed, no "
           "CRC recomputed: chunks_crc covers the segments, and strict checks it (R-CRC-2, "
           "offset 128) before the segment table (R-SEG-10 would fail too); compat reads the "
           "changed payload", ("R-CRC-2", "R-SEG-10"), ACCEPT, at={"strict": ("R-CRC-2", 128)},
           n_events=5)
    C.read("checksums_segment_damaged_resigned", B.sign(damaged), "the same damaged byte, the "
           "header's region CRCs recomputed over the damaged file: segment_crc still "
           "detects it", "R-SEG-10", ACCEPT, at={"strict": ("R-SEG-10", s1)}, n_events=5)
    C.read("checksums_crc_of_other_segment", B.sign(_swap_crcs(good)), "the two entries' "
           "segment_crcs swapped (each the CRC of the other segment)", "R-SEG-10", ACCEPT,
           at={"strict": ("R-SEG-10", B.get_u64(good, eo + 8))}, n_events=5)


def _swap_crcs(d):
    eo = B.get_u64(d, 40)
    a, b = eo + 8 + 24, eo + 8 + 32 + 24
    c0, c1 = B.get_u32(d, a), B.get_u32(d, b)
    return B.patch_u32(B.patch_u32(d, a, c1), b, c0)
