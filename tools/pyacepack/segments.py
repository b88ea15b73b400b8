"""The segmented event log (flag bit 16, spec 3.7): the segment table (R-SEG-1..8), each
segment read as an event section (R-EVT-3..8 via read_events), R-SEG-10 (segment_crc with
flag bit 0) once the whole table holds, and R-SEG-9 against the chunks.

Written from the spec text, independently of the C reader (src/read/segments.c)."""

from .bytesutil import u32_at, u64_at
from .crc32c import crc32c
from .errors import Reject
from .evtsection import read_events

MAX_SEGMENTS = 65536
HDR_EVT_LENGTH = 48
HDR_EVT_COUNT = 56


def read_segments(buf: bytes, flags: int, evt_off: int, evt_len: int, idx_off: int,
                  idx_len: int, evt_count: int, profile: str):
    """(events, segments) where segments is a list of (offset, length) in table order."""
    strict = profile == "strict"
    if evt_len < 8:
        raise Reject("R-SEG-1", HDR_EVT_LENGTH, "segment table shorter than 8 bytes")
    s = u32_at(buf, evt_off)
    if not 1 <= s <= MAX_SEGMENTS:
        raise Reject("R-SEG-1", evt_off, f"segment count {s} is not in 1..65536")
    if evt_len != 8 + 32 * s:
        raise Reject("R-SEG-1", HDR_EVT_LENGTH, f"evt_length {evt_len} is not 8 + 32 * {s}")
    if strict:
        _zero(buf, evt_off + 4, "R-SEG-2")
    events, segs = [], []
    prev_end = 0
    for k in range(s):
        e = evt_off + 8 + 32 * k
        so, sl, fe = u64_at(buf, e), u64_at(buf, e + 8), u64_at(buf, e + 16)
        if strict:
            _zero(buf, e + 28, "R-SEG-2")
            if flags & 0xFFFF == 0 and u32_at(buf, e + 24) != 0:
                raise Reject("R-SEG-8", e + 24, "segment_crc without a compatible flag bit")
        if so < 128 or so + sl > evt_off:
            raise Reject("R-SEG-3", e, f"segment {k} is not between the header and the table")
        if idx_len > 0 and so < idx_off + idx_len and idx_off < so + sl:
            raise Reject("R-SEG-3", e, f"segment {k} overlaps the index")
        if k > 0 and so < prev_end:
            raise Reject("R-SEG-4", e, f"segment {k} starts before the end of segment {k - 1}")
        if sl < 8:
            raise Reject("R-SEG-5", e + 8, f"segment {k} is shorter than 8 bytes")
        if fe != len(events):
            raise Reject("R-SEG-6", e + 16, f"first_event of segment {k} is {fe}, "
                         f"not {len(events)}")
        seg_events = read_events(buf, so, sl, profile, 0, segment=True)
        if strict and not seg_events:
            raise Reject("R-SEG-7", so, f"segment {k} holds no event")
        events.extend(seg_events)
        segs.append((so, sl))
        prev_end = so + sl
    if len(events) != evt_count:
        raise Reject("R-SEG-6", HDR_EVT_COUNT, f"evt_count {evt_count} differs from the "
                     f"{len(events)} events of the segments")
    if strict and flags & 1:   # R-SEG-10: checked after the structural rules, as R-CRC-2..4
        mv = memoryview(buf)
        for k, (so, sl) in enumerate(segs):
            if u32_at(buf, evt_off + 32 + 32 * k) != crc32c(mv[so:so + sl]):
                raise Reject("R-SEG-10", so, f"segment_crc of segment {k} does not match "
                             "the segment")
    return events, segs


def _zero(buf, at, rule):
    for i in range(4):
        if buf[at + i]:
            raise Reject(rule, at + i, "reserved bytes of the segment table are not zero")


def check_chunks_vs_segments(entries, segs):
    """R-SEG-9 (strict): no chunk [offset, offset + 4 + length) overlaps a segment; the
    first entry at fault by (chunk start, index position) is reported."""
    bad = [e for e in entries
           if any(e.offset < so + sl and so < e.offset + 4 + e.length for so, sl in segs)]
    if bad:
        e = min(bad, key=lambda x: (x.offset, x.pos))
        raise Reject("R-SEG-9", e.pos, "the chunk of an index entry overlaps an event segment")
