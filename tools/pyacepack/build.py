"""Canonical builders: build_v2 (spec 8.3, W-CAN-1..4) and build_v1 (W-V1-1, W-CAN-1 order)."""

from .bytesutil import (INCOMPATIBLE_FLAGS, MAGIC, MAX_SAFE, U32_MAX, V1_HEADER_SIZE,
                        V2_HEADER_SIZE, pack_u32, pack_u64)
from .errors import Refused, Unsupported
from .checksums import fill_header
from .encode import encode_event_section, encode_index
from .keyorder import canonical_key_order
from .model import Content
from .payload import payload_problem
from .jsonstr import has_lone_surrogate


def _chunks(kv: dict, start: int):
    """W-CAN-2: chunks from `start` in W-CAN-1 order, no dead space.
    Returns (chunk bytes, index entries, end offset)."""
    out = bytearray()
    entries = []
    pos = start
    for key in canonical_key_order(kv):
        value = bytes(kv[key])
        if has_lone_surrogate(key):
            raise Refused("W-IDX-2", 0, f"key {key!r} is not valid Unicode text")
        if len(value) > U32_MAX:
            raise Unsupported(f"value of {key!r} is longer than 2^32-1 bytes (3.6)")
        entries.append((key, pos, len(value)))
        out += pack_u32(len(value))
        out += value
        pos += 4 + len(value)
    return bytes(out), entries, pos


def _validate_events(c: Content):
    if not 0 <= c.evt_base_id <= U32_MAX:
        raise Refused("W-HDR-1", 0, "evt_base_id does not fit a u32")
    if len(c.events) > U32_MAX:
        raise Refused("W-EVT-3", 0, "more than 2^32-1 events")
    for i, e in enumerate(c.events):
        if not (isinstance(e.ts, int) and 0 <= e.ts <= MAX_SAFE):
            raise Refused("W-EVT-2", 0, f"event {i}: ts is not an integer in [0, 2^53-1]")
        for name in ("kind", "source", "flags"):
            v = getattr(e, name)
            if not (isinstance(v, int) and 0 <= v <= 255):
                raise Refused("W-EVT-2", 0, f"event {i}: {name} is not an integer in [0, 255]")
        p = payload_problem(bytes(e.payload), 0, len(e.payload))
        if p is not None:
            raise Refused("W-EVT-4", 0, f"event {i}: payload breaks {p[0]} at byte {p[1]}")


def build_v2(c: Content, *, validate: bool = True, checksums: bool = False) -> bytes:
    """The canonical v2 file of c (8.3).  Raises ValueError for content no writer may write.

    validate=False (for building deliberately invalid test files) skips the W-EVT-2/W-EVT-4
    checks and writes c.flags as given; fields must still fit their sizes.
    checksums=True: the checksummed canonical file (W-CRC-1): flag bit 0 and the CRC32C
    fields of 3.8, nothing else different.
    """
    flags = c.flags
    if validate:
        _validate_events(c)
        if flags & INCOMPATIBLE_FLAGS:
            raise Refused("W-HDR-2", 0, "content has incompatible feature flags this writer does not implement")
        flags = 0   # W-CAN-4 / W-HDR-2: compatible bits are cleared (bit 0 is set below when asked)
    chunks, entries, chunk_end = _chunks(c.kv, V2_HEADER_SIZE)
    section = encode_event_section(c.events)
    index = encode_index(entries)
    evt_off = chunk_end
    idx_off = evt_off + len(section)
    if idx_off + len(index) > MAX_SAFE:
        raise Unsupported("file would exceed 2^53-1 bytes (3.6)")
    header = (MAGIC + pack_u32(2) + pack_u32(flags) + pack_u64(idx_off) + pack_u64(len(index))
              + pack_u64(chunk_end) + pack_u64(evt_off) + pack_u64(len(section))
              + pack_u32(len(c.events)) + pack_u32(c.evt_base_id) + bytes(64))
    assert len(header) == V2_HEADER_SIZE
    if not checksums:
        return header + chunks + section + index
    out = bytearray(header + chunks + section + index)
    fill_header(out)
    return bytes(out)


def build_v1(kv: dict, flags: int = 0) -> bytes:
    """The canonical v1 file of kv (W-V1-1): header, chunks from 64 in W-CAN-1 order, index.
    flags is written as given (v1 files are built only as test input)."""
    chunks, entries, idx_off = _chunks(kv, V1_HEADER_SIZE)
    index = encode_index(entries)
    header = MAGIC + pack_u32(1) + pack_u32(flags) + pack_u64(idx_off) + pack_u64(len(index)) + bytes(32)
    assert len(header) == V1_HEADER_SIZE
    return header + chunks + index
