"""The columnar event section of a v2 file (spec 3.3): R-EVT-1..9 and the payload rules."""

import struct

from .bytesutil import MAX_SAFE, evt_pad, first_nonzero, u32_at
from .errors import Reject
from .model import Event
from .payload import check_payload

HDR_EVT_LENGTH = 48   # header offset of evt_length (reported by R-EVT-1)
HDR_EVT_COUNT = 56    # header offset of evt_count (reported by R-EVT-9)


def read_events(buf: bytes, evt_offset: int, evt_length: int, profile: str,
                header_evt_count: int, segment: bool = False) -> list:
    """Events of the section [evt_offset, evt_offset + evt_length), already inside the file
    (R-LAY-2).  Offsets in errors are file offsets.  With `segment`, the section is a segment
    of a segmented file (spec 3.7, R-SEG-5): at least 8 bytes (checked by the caller), its
    count always read, no R-EVT-1, R-EVT-2 or R-EVT-9."""
    strict = profile == "strict"
    base = evt_offset
    length = evt_length
    if segment:
        pass
    elif strict:
        if length < 8:
            raise Reject("R-EVT-1", HDR_EVT_LENGTH, "evt_length is less than 8")
    elif length < 4:
        return []   # R-EVT-2: a short section holds no events
    n = u32_at(buf, base)
    if n == 0 and not strict and not segment:
        return []   # R-EVT-2: count 0 means no events, whatever follows
    pad = evt_pad(n)
    pool_start = 8 + 19 * n + pad     # P, relative to the section
    # R-EVT-3 (both) before any column is read: a large count costs nothing.
    if n > 0 and pool_start > length:
        raise Reject("R-EVT-3", base, f"{n} events do not fit a section of {length} bytes")
    pay_off_at = base + 4 + 11 * n + pad
    pay_len_at = pay_off_at + 4 * n
    pool_len_at = pay_len_at + 4 * n
    pool_length = u32_at(buf, pool_len_at)
    if strict:
        if length != pool_start + pool_length:   # 7.2: reported at the section start
            raise Reject("R-EVT-4", base, f"evt_length {length} is not 8 + 19N + pad + "
                         f"pool_length = {pool_start + pool_length}")
        pad_at = base + 4 + 11 * n
        bad = first_nonzero(buf, pad_at, pad_at + pad)
        if bad >= 0:   # 7.2: the first non-zero pad byte
            raise Reject("R-EVT-5", bad, "pad bytes are not zero")
        if not segment and header_evt_count != n:
            raise Reject("R-EVT-9", HDR_EVT_COUNT, f"header evt_count differs from section count {n}")
    ts = struct.unpack_from(f">{n}Q", buf, base + 4)
    kinds = buf[base + 4 + 8 * n:base + 4 + 9 * n]
    sources = buf[base + 4 + 9 * n:base + 4 + 10 * n]
    flags = buf[base + 4 + 10 * n:base + 4 + 11 * n]
    offs = struct.unpack_from(f">{n}I", buf, pay_off_at)
    lens = struct.unpack_from(f">{n}I", buf, pay_len_at)
    if strict:
        for i, t in enumerate(ts):
            if t > MAX_SAFE:
                raise Reject("R-EVT-8", base + 4 + 8 * i, "ts exceeds 2^53-1")
    pool = base + pool_start
    events = []
    expected = 0
    for i in range(n):
        o = offs[i]
        ln = lens[i]
        # R-EVT-7 (both): the payload lies inside the section.
        if pool_start + o + ln > length:
            raise Reject("R-EVT-7", pay_off_at + 4 * i, f"payload of event {i} extends past the section")
        if strict:
            if o != expected:   # R-EVT-6: packed in event order
                raise Reject("R-EVT-6", pay_off_at + 4 * i, f"payload of event {i} is not packed")
            expected += ln
            check_payload(buf, pool + o, pool + o + ln)   # R-PAY-1..3
        events.append(Event(ts[i], kinds[i], sources[i], flags[i], bytes(buf[pool + o:pool + o + ln])))
    if strict and expected != pool_length:
        raise Reject("R-EVT-6", pool_len_at, "pool_length is not the sum of the payload lengths")
    return events
