"""Reader of format v1 files (spec 6): 64-byte header, chunks from 64, index; no events."""

from .bytesutil import V1_HEADER_SIZE, first_nonzero, u64_at
from .chunks import read_values
from .errors import Reject
from .header import reserved_must_be_zero
from .index import read_index
from .model import Content


def read_v1(buf: bytes, flags: int, profile: str) -> Content:
    strict = profile == "strict"
    size = len(buf)
    idx_off = u64_at(buf, 16)
    idx_len = u64_at(buf, 24)
    if strict and reserved_must_be_zero(flags):
        bad = first_nonzero(buf, 32, V1_HEADER_SIZE)
        if bad >= 0:   # 7.2: the first non-zero reserved byte
            raise Reject("R-V1-1", bad, "reserved header bytes 32..63 are not zero")
    if strict and idx_off < V1_HEADER_SIZE:
        raise Reject("R-V1-2", 16, "index_offset is less than 64")
    if idx_off > size or idx_len > size - idx_off:   # R-LAY-1 applies to v1 too
        raise Reject("R-LAY-1", 16, "index extends past the end of the file")
    entries = read_index(buf, idx_off, idx_len, profile)
    # R-CHK-2 with H = 64 and E = index_offset (section 6).
    kv = read_values(buf, entries, profile, V1_HEADER_SIZE, idx_off)
    return Content(1, flags, 0, kv, [])   # D-7 / 7.3: no events, evt_base_id 0
