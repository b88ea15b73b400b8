"""Writer of segmented files (flag bit 16, spec 3.7, W-SEG-1..5), independent of the C writer.

build_segmented(content, sizes) lays the file out as one segmented commit after another would
leave it without dead space: header, the chunks in W-CAN-1 order (W-CAN-2), one segment per
entry of `sizes` (event sections of §3.3.1 holding consecutive runs of the events), the
segment table, the index. append_segment(file, events) is one segmented commit (W-SEG-2) on
an existing file: the new segment, the new table and the index after the committed extent,
the old bytes unchanged. Neither ever writes more than 64 segments (W-SEG-3). With checksums
(flag bit 0, spec 3.8) each entry's segment_crc is the CRC32C of its segment (W-SEG-5) and the
header carries the region CRCs (W-CRC-2); without, segment_crc is zero.
"""

from .build import _chunks, _validate_events
from .checksums import FLAG_CHECKSUMS, fill_header
from .crc32c import crc32c
from .bytesutil import (MAGIC, MAX_SAFE, SEGMENTED, V2_HEADER_SIZE, pack_u32, pack_u64,
                        u32_at, u64_at)
from .encode import encode_event_section, encode_index
from .model import Content

MAX_WRITER_SEGMENTS = 64   # W-SEG-3


def _table(segs) -> bytes:
    """segs: [(offset, length, first_event, segment_crc)]; reserved zero (W-SEG-5)."""
    out = bytearray(pack_u32(len(segs)) + pack_u32(0))
    for off, ln, first, crc in segs:
        out += pack_u64(off) + pack_u64(ln) + pack_u64(first) + pack_u32(crc) + pack_u32(0)
    return bytes(out)


def _finish(head: bytes, rest: bytes, checksums: bool) -> bytes:
    if not checksums:
        return head + rest
    out = bytearray(head + rest)
    fill_header(out)   # W-CRC-2: bit 0, the region CRCs, header_crc
    return bytes(out)


def _header(idx_off, idx_len, table_off, table_len, count, base) -> bytes:
    h = (MAGIC + pack_u32(2) + pack_u32(SEGMENTED) + pack_u64(idx_off) + pack_u64(idx_len)
         + pack_u64(table_off) + pack_u64(table_off) + pack_u64(table_len)
         + pack_u32(count) + pack_u32(base) + bytes(64))
    assert len(h) == V2_HEADER_SIZE
    return h


def build_segmented(c: Content, sizes, checksums: bool = False) -> bytes:
    """A segmented file of content c whose segments hold sizes[0], sizes[1], ... events
    (with checksums: flag bit 0, spec 3.8, and each segment's CRC32C, W-SEG-5)."""
    sizes = list(sizes)
    if not 1 <= len(sizes) <= MAX_WRITER_SEGMENTS or any(n < 1 for n in sizes):
        raise ValueError("1..64 segments of at least one event each (R-SEG-7, W-SEG-3)")
    if sum(sizes) != len(c.events):
        raise ValueError("the segment sizes do not add up to the events")
    _validate_events(c)
    chunks, entries, pos = _chunks(c.kv, V2_HEADER_SIZE)
    body = bytearray(chunks)
    segs, first = [], 0
    for n in sizes:
        sec = encode_event_section(c.events[first:first + n])
        segs.append((pos, len(sec), first, crc32c(sec) if checksums else 0))
        body += sec
        pos += len(sec)
        first += n
    table = _table(segs)
    index = encode_index(entries)
    if pos + len(table) + len(index) > MAX_SAFE:
        raise ValueError("file would exceed 2^53-1 bytes (3.6)")
    return _finish(_header(pos + len(table), len(index), pos, len(table), first, c.evt_base_id),
                   bytes(body) + table + index, checksums)


def append_segment(data: bytes, new_events, checksums=None) -> bytes:
    """One commit of a segmented writer (W-SEG-2) adding new_events to a valid file `data`
    (plain or segmented, no tail): returns the new file bytes. The keys do not change, so the
    new index is the old index text at its new place (its offsets name the same chunks).
    checksums: write flag bit 0 (None: as `data` has it, W-CRC-1); every segment_crc is then
    the CRC32C of its segment's bytes (W-SEG-5), else zero."""
    from .reader import read
    c = read(data, "strict")
    if not new_events:
        raise ValueError("a segment holds at least one event (R-SEG-7)")
    _validate_events(Content(2, 0, c.evt_base_id, {}, list(new_events)))
    flags = u32_at(data, 12)
    if checksums is None:
        checksums = bool(flags & FLAG_CHECKSUMS)
    idx_off, idx_len = u64_at(data, 16), u64_at(data, 24)
    evt_off, evt_len = u64_at(data, 40), u64_at(data, 48)
    if flags & SEGMENTED:
        s = u32_at(data, evt_off)
        segs = [(u64_at(data, evt_off + 8 + 32 * k), u64_at(data, evt_off + 16 + 32 * k),
                 u64_at(data, evt_off + 24 + 32 * k)) for k in range(s)]
    else:   # W-SEG-2: a plain section with events becomes segment 0, in place
        segs = [(evt_off, evt_len, 0)] if c.events else []
    # W-SEG-5: each CRC from the segment's bytes (the old field may be 0 or stale)
    segs = [(o, ln, f, crc32c(data[o:o + ln]) if checksums else 0) for o, ln, f in segs]
    if len(segs) + 1 > MAX_WRITER_SEGMENTS:
        raise ValueError("more than 64 segments: compact instead (W-SEG-3)")
    end = idx_off + idx_len
    sec = encode_event_section(list(new_events))
    segs.append((end, len(sec), len(c.events), crc32c(sec) if checksums else 0))
    table = _table(segs)
    index = bytes(data[idx_off:end])
    table_off = end + len(sec)
    total = len(c.events) + len(new_events)
    head = _header(table_off + len(table), len(index), table_off, len(table), total,
                   c.evt_base_id)
    return _finish(head, bytes(data[V2_HEADER_SIZE:end]) + sec + table + index, checksums)
