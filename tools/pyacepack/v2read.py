"""Reader of format v2 files (spec 3): header, layout, event section, index, chunks."""

from .bytesutil import SEGMENTED, V2_HEADER_SIZE, first_nonzero, u32_at, u64_at
from .checksums import FLAG_CHECKSUMS, check_header, check_regions
from .chunks import read_values
from .errors import Reject
from .evtsection import read_events
from .header import reserved_must_be_zero
from .index import read_index
from .model import Content
from .segments import check_chunks_vs_segments, read_segments


def read_v2(buf: bytes, flags: int, profile: str) -> Content:
    strict = profile == "strict"
    size = len(buf)
    if size < V2_HEADER_SIZE:
        raise Reject("R-HDR-5", size, f"v2 file of {size} bytes is shorter than 128 bytes")
    checksums = strict and flags & FLAG_CHECKSUMS   # 3.8: compat does not verify
    if checksums:
        check_header(buf, flags)   # R-CRC-1, R-CRC-5, before the fields are used
    if strict and reserved_must_be_zero(flags):
        bad = first_nonzero(buf, 64, V2_HEADER_SIZE)
        if bad >= 0:   # 7.2: the first non-zero reserved byte
            raise Reject("R-HDR-6", bad, "reserved header bytes 64..127 are not zero")
    idx_off = u64_at(buf, 16)
    idx_len = u64_at(buf, 24)
    chunk_end = u64_at(buf, 32)
    evt_off = u64_at(buf, 40)
    evt_len = u64_at(buf, 48)
    evt_count = u32_at(buf, 56)
    evt_base_id = u32_at(buf, 60)
    # R-LAY-1, R-LAY-2 (both), in the overflow-safe form off <= size && len <= size - off.
    if idx_off > size or idx_len > size - idx_off:
        raise Reject("R-LAY-1", 16, "index extends past the end of the file")
    if evt_off > size or evt_len > size - evt_off:
        raise Reject("R-LAY-2", 40, "event section extends past the end of the file")
    if strict:
        if chunk_end < V2_HEADER_SIZE:
            raise Reject("R-LAY-3", 32, "kv_chunk_end is less than 128")
        if evt_off != chunk_end:
            raise Reject("R-LAY-4", 40, "evt_offset differs from kv_chunk_end")
        if idx_off != evt_off + evt_len:
            raise Reject("R-LAY-5", 16, "index does not follow the event section directly")
        if checksums:
            check_regions(buf, chunk_end, evt_off, evt_len, idx_off, idx_len)   # R-CRC-2..4
    segs = None
    if flags & SEGMENTED:   # spec 3.7: evt_offset/evt_length locate the segment table
        events, segs = read_segments(buf, flags, evt_off, evt_len, idx_off, idx_len, evt_count,
                                     profile)
    else:
        events = read_events(buf, evt_off, evt_len, profile, evt_count)
    entries = read_index(buf, idx_off, idx_len, profile)
    kv = read_values(buf, entries, profile, V2_HEADER_SIZE, chunk_end)
    if segs is not None and strict:
        check_chunks_vs_segments(entries, segs)
    # D-3: bit 16 is placement, not content; the content's flags do not hold it.
    return Content(2, flags & ~SEGMENTED, evt_base_id, kv, events)
