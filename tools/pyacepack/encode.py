"""Byte encoders shared by the canonical builder and the JS emulator: the index text (W-IDX-1)
and the event section (W-EVT-1)."""

import struct

from .bytesutil import evt_pad, pack_u32
from .jsonstr import json_string


def encode_index(entries) -> bytes:
    """The strict-grammar index (4.1, W-IDX-1) of (key, offset, length) in the given order."""
    parts = []
    for key, offset, length in entries:
        parts.append('%s:{"offset":%d,"length":%d}' % (json_string(key), offset, length))
    return ("{" + ",".join(parts) + "}").encode("utf-8")


def encode_event_section(events) -> bytes:
    """The section of 3.3.1: count, ts, kind, source, flags, zero pad, pay_off, pay_len,
    pool_length, pool packed in event order (W-EVT-1)."""
    n = len(events)
    out = bytearray(pack_u32(n))
    out += struct.pack(f">{n}Q", *(e.ts for e in events))
    out += bytes(e.kind for e in events)
    out += bytes(e.source for e in events)
    out += bytes(e.flags for e in events)
    out += bytes(evt_pad(n))
    offs = []
    lens = []
    pos = 0
    for e in events:
        offs.append(pos)
        lens.append(len(e.payload))
        pos += len(e.payload)
    out += struct.pack(f">{n}I", *offs)
    out += struct.pack(f">{n}I", *lens)
    out += pack_u32(pos)
    for e in events:
        out += e.payload
    return bytes(out)
