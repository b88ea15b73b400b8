"""The KV chunk region (spec 3.4): values referenced by index entries (R-CHK-1..4)."""

from .bytesutil import u32_at
from .errors import Reject


def read_values(buf: bytes, entries, profile: str, region_start: int, region_end: int) -> dict:
    """The KV map of the index entries.  region_start/region_end are H and E of R-CHK-2
    (v2: 128 and kv_chunk_end; v1: 64 and index_offset)."""
    size = len(buf)
    kv = {}
    strict = profile == "strict"
    for e in entries:
        # R-CHK-1 (both): offset + 4 + length <= file size, without overflow (Python ints).
        if e.offset > size or 4 + e.length > size - e.offset:
            raise Reject("R-CHK-1", e.pos, "value extends past the end of the file")
        if strict:
            if e.offset < region_start or e.offset + 4 + e.length > region_end:
                raise Reject("R-CHK-2", e.pos, "chunk lies outside the chunk region")
            if u32_at(buf, e.offset) != e.length:
                raise Reject("R-CHK-3", e.pos, "chunk length field differs from the index length")
        # In compat the chunk's length field is never read: the index length wins (R-CHK-3).
        kv[e.key] = bytes(buf[e.offset + 4:e.offset + 4 + e.length])
    if strict:
        _check_no_overlap(entries)
    return kv


def _check_no_overlap(entries):
    """R-CHK-4: chunks [offset, offset + 4 + length) of different entries are disjoint.
    Sorted by start (equal starts in index order), each chunk must end at or before the next
    one starts.  Spec 7.2 reports the member whose chunk starts later, for equal starts the
    later member: with this order that is always `cur`, the first chunk that starts inside an
    earlier one."""
    spans = sorted(entries, key=lambda e: (e.offset, e.pos))
    for prev, cur in zip(spans, spans[1:]):
        if cur.offset < prev.offset + 4 + prev.length:
            raise Reject("R-CHK-4", cur.pos, "chunk overlaps the chunk of another key "
                         f"(the key at byte {prev.pos})")
