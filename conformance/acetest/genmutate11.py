"""Hostile files of spec 1.1.0 for `--generate-features`: mutations aimed at the segment table
(flag bit 16, spec 3.7) and the checksum fields (flag bit 0, spec 3.8) of a valid file.

Same contract as acetest/genmutate.py: each mutator takes (rng, data, donor) and returns
(bytes, description, rule hints) or None when it does not apply.
"""
from __future__ import annotations

import random

from pyacepack.crc32c import crc32c

from .genmutate import MAX53, Mutation, _put, _u, event_edit_at, mutate as mutate_generic

SEGMENTED, CHECKSUMS = 0x00010000, 0x00000001
# segment table entry: (name, position in the entry, size)
ENTRY_FIELDS = [("segment_offset", 0, 8), ("segment_length", 8, 8), ("first_event", 16, 8),
                ("segment_crc", 24, 4), ("reserved", 28, 4)]
CRC_FIELDS = [("header_crc", 64), ("chunks_crc", 68), ("events_crc", 72), ("index_crc", 76)]


def _v2(data: bytes) -> bool:
    return len(data) >= 128 and _u(data, 8, 4) == 2


def table(data: bytes) -> tuple[int, int] | None:
    """(table offset, S) of a segmented file whose table lies in the file, else None."""
    if not _v2(data) or not _u(data, 12, 4) & SEGMENTED:
        return None
    off, n = _u(data, 40, 8), _u(data, 48, 8)
    if n < 8 or off + n > len(data):
        return None
    s = _u(data, off, 4)
    if 8 + 32 * s > n:
        return None
    return off, s


def segments(data: bytes) -> list[tuple[int, int, int]]:
    """(entry offset, segment offset, segment length) of the entries that lie in the file."""
    t = table(data)
    if t is None:
        return []
    out = []
    for k in range(t[1]):
        e = t[0] + 8 + 32 * k
        so, sl = _u(data, e, 8), _u(data, e + 8, 8)
        out.append((e, so, sl))
    return out


def refresh_checksums(data: bytes, segment_crcs: bool = True) -> bytes:
    """Every segment_crc of an entry whose segment lies in the file (unless segment_crcs is
    False: then a damaged segment is left to R-SEG-10), then the four header CRCs (as
    pyacepack's fill_header, over whatever the layout fields point at, clamped to the file),
    when the file is v2 with bit 0 still set."""
    if not _v2(data) or not _u(data, 12, 4) & CHECKSUMS:
        return data
    b = bytearray(data)
    for e, so, sl in segments(data) if segment_crcs else []:
        if so + sl <= len(b):
            b[e + 24:e + 28] = crc32c(bytes(b[so:so + sl])).to_bytes(4, "big")
    mv = bytes(b)
    chunk_end, evt = _u(mv, 32, 8), (_u(mv, 40, 8), _u(mv, 48, 8))
    idx = (_u(mv, 16, 8), _u(mv, 24, 8))
    b[68:72] = crc32c(mv[128:chunk_end]).to_bytes(4, "big")
    b[72:76] = crc32c(mv[evt[0]:evt[0] + evt[1]]).to_bytes(4, "big")
    b[76:80] = crc32c(mv[idx[0]:idx[0] + idx[1]]).to_bytes(4, "big")
    b[64:68] = crc32c(bytes(b[0:64]) + bytes(4) + bytes(b[68:128])).to_bytes(4, "big")
    return bytes(b)


# --- segment table ------------------------------------------------------------------------

def table_field(rng: random.Random, data: bytes, donor: bytes) -> Mutation | None:
    t = table(data)
    if t is None:
        return None
    off, s = t
    if rng.random() < 0.2 or s == 0:
        if rng.random() < 0.7:
            new = rng.choice([0, s + 1, max(0, s - 1), 65536, 65537, 0xFFFFFFFF, s | 0x10000])
            return _put(data, off, 4, new), f"segment table S {s} -> {new}", ["R-SEG-1"]
        new = rng.choice([1, 0x80000000, rng.randrange(1, 2**32)])
        return _put(data, off + 4, 4, new), f"segment table reserved = {new}", ["R-SEG-2"]
    k = rng.randrange(s)
    e = off + 8 + 32 * k
    name, pos, size = rng.choice(ENTRY_FIELDS)
    old = _u(data, e + pos, size)
    prev = segments(data)[k - 1] if k > 0 else None
    top = 1 << (8 * size)
    choices = [old + 1, old - 1, 0, top - 1, old | (top >> 1), old + rng.randrange(2, 40)]
    if size == 8:
        choices += [old | 1 << 32, old + (1 << 32), MAX53, 127, 128, off, len(data),
                    (1 << 64) - old, _u(data, 16, 8)]
        if prev is not None:
            choices += [prev[1], prev[1] + prev[2] - 1, prev[1] + 4]
    new = rng.choice(choices) % top
    hint = {"segment_offset": "R-SEG-3", "segment_length": "R-SEG-5",
            "first_event": "R-SEG-6", "segment_crc": "R-SEG-10", "reserved": "R-SEG-2"}[name]
    return _put(data, e + pos, size, new), f"segment [{k}] {name} {old} -> {new}", [hint]


def table_order(rng: random.Random, data: bytes, donor: bytes) -> Mutation | None:
    """Entries swapped (out of order), one copied over another (overlap), or a segment moved
    onto its neighbour, a chunk or the index."""
    segs = segments(data)
    if not segs:
        return None
    r = rng.randrange(4)
    if r == 0 and len(segs) >= 2:
        i, j = sorted(rng.sample(range(len(segs)), 2))
        a, b = segs[i][0], segs[j][0]
        ea, eb = data[a:a + 32], data[b:b + 32]
        out = data[:a] + eb + data[a + 32:b] + ea + data[b + 32:]
        return out, f"segment entries [{i}] and [{j}] swapped", ["R-SEG-4"]
    if r == 1 and len(segs) >= 2:
        i, j = rng.sample(range(len(segs)), 2)
        a, b = segs[i][0], segs[j][0]
        keep_first = rng.random() < 0.5   # only offset+length, or the whole entry
        n = 16 if keep_first else 32
        out = data[:b] + data[a:a + n] + data[b + n:]
        return out, f"segment entry [{i}] copied over [{j}] ({n} bytes)", ["R-SEG-4"]
    k = rng.randrange(len(segs))
    e, so, sl = segs[k]
    targets = [128, so - 1, so + 1, so - 4, _u(data, 16, 8), _u(data, 40, 8) - sl + 1]
    if k > 0:
        targets.append(segs[k - 1][1] + segs[k - 1][2] - rng.randrange(1, 5))
    new = max(0, rng.choice(targets))
    return _put(data, e, 8, new), f"segment [{k}] moved {so} -> {new}", ["R-SEG-3", "R-SEG-9"]


def segment_edit(rng: random.Random, data: bytes, donor: bytes) -> Mutation | None:
    """An event-section edit (count, ts, pad, pay_off, pay_len, pool_length, payload byte)
    inside one segment."""
    segs = [(e, so, sl) for e, so, sl in segments(data) if sl >= 8 and so + sl <= len(data)]
    if not segs:
        return None
    k = rng.randrange(len(segs))
    got = event_edit_at(rng, data, segs[k][1], segs[k][2])
    if got is None:
        return None
    return got[0], f"segment {k}: {got[1]}", got[2] + ["R-SEG-5"]


def counts(rng: random.Random, data: bytes, donor: bytes) -> Mutation | None:
    """The header's evt_count or evt_length against the table (R-SEG-6, R-SEG-1)."""
    if table(data) is None:
        return None
    if rng.random() < 0.6:
        old = _u(data, 56, 4)
        new = rng.choice([old + 1, max(0, old - 1), 0, old + 2**31]) % 2**32
        return _put(data, 56, 4, new), f"evt_count {old} -> {new}", ["R-SEG-6"]
    old = _u(data, 48, 8)
    new = rng.choice([old - 32, old + 32, 7, 8, old - 1, 8 + 32 * 65537])
    return _put(data, 48, 8, max(0, new)), f"evt_length {old} -> {new}", ["R-SEG-1"]


def empty_segment(rng: random.Random, data: bytes, donor: bytes) -> Mutation | None:
    """A segment of no events (an 8-byte section) added after the last one (R-SEG-7), the
    regions behind it moved; the file is otherwise valid. Needs the index right after the
    table (as segwrite writes it)."""
    t = table(data)
    if t is None:
        return None
    off, s = t
    tab_len, idx_off, idx_len = _u(data, 48, 8), _u(data, 16, 8), _u(data, 24, 8)
    if idx_off != off + tab_len or s >= 65536:
        return None
    first = _u(data, 56, 4)
    crc = crc32c(bytes(8)) if _u(data, 12, 4) & CHECKSUMS else 0
    entry = (off).to_bytes(8, "big") + (8).to_bytes(8, "big") + first.to_bytes(8, "big") + \
        crc.to_bytes(4, "big") + bytes(4)
    new_table = (s + 1).to_bytes(4, "big") + data[off + 4:off + tab_len] + entry
    out = data[:off] + bytes(8) + new_table + data[idx_off:]
    out = _put(out, 16, 8, idx_off + 8 + 32)
    out = _put(out, 32, 8, off + 8)
    out = _put(out, 40, 8, off + 8)
    out = _put(out, 48, 8, tab_len + 32)
    return refresh_checksums(out), f"segment [{s}] of no events added", ["R-SEG-7"]


def chunk_on_segment(rng: random.Random, data: bytes, donor: bytes) -> Mutation | None:
    """An index member whose chunk lies inside a segment (R-SEG-9): its length field is the
    segment's count, so R-CHK-3 holds; the index must be last."""
    segs = [(so, sl) for _, so, sl in segments(data) if so + sl <= len(data) and sl >= 8]
    idx_off, idx_len = _u(data, 16, 8), _u(data, 24, 8)
    if not segs or idx_off + idx_len != len(data) or not data.endswith(b"}"):
        return None
    so, sl = rng.choice(segs)
    at = so + rng.choice([0, 0, 4])
    n = _u(data, at, 4)
    if at + 4 + n > so + sl + 64:
        return None
    text = data[idx_off:]
    member = b'"\\u0000segment":{"offset":%d,"length":%d}' % (at, n)
    new = text[:-1] + (b"," if len(text) > 2 else b"") + member + b"}"
    out = _put(data[:idx_off] + new, 24, 8, len(new))
    return refresh_checksums(out), f"index member with a chunk at {at} in the segment at {so}", \
        ["R-SEG-9"]


# --- flags and checksums --------------------------------------------------------------------

def flag_toggle(rng: random.Random, data: bytes, donor: bytes) -> Mutation | None:
    if not _v2(data):
        return None
    flags = _u(data, 12, 4)
    bit = rng.choice([SEGMENTED, CHECKSUMS, CHECKSUMS, 1 << rng.randrange(1, 16),
                      1 << rng.randrange(17, 32)])
    new = flags ^ bit
    hint = {SEGMENTED: "R-HDR-4", CHECKSUMS: "R-CRC-1"}.get(bit, "R-HDR-4")
    return _put(data, 12, 4, new), f"flags {flags:#x} -> {new:#x}", [hint, "R-HDR-6"]


def crc_field(rng: random.Random, data: bytes, donor: bytes) -> Mutation | None:
    if not _v2(data):
        return None
    name, at = rng.choice(CRC_FIELDS)
    old = _u(data, at, 4)
    other = rng.choice(CRC_FIELDS)[1]
    new = rng.choice([old ^ 1, old ^ 0x80000000, 0, 0xFFFFFFFF, _u(data, other, 4),
                      int.from_bytes(old.to_bytes(4, "big"), "little")])
    rule = {"header_crc": "R-CRC-1", "chunks_crc": "R-CRC-2", "events_crc": "R-CRC-3",
            "index_crc": "R-CRC-4"}[name]
    out = _put(data, at, 4, new)
    if name != "header_crc" and rng.random() < 0.6:   # a damaged region, an intact header
        out = out[:64] + crc32c(out[:64] + bytes(4) + out[68:128]).to_bytes(4, "big") + out[68:]
    return out, f"{name} {old:#x} -> {new:#x}", [rule]


def segment_crc(rng: random.Random, data: bytes, donor: bytes) -> Mutation | None:
    """A wrong segment_crc, or a damaged segment, behind right header CRCs (R-SEG-10)."""
    segs = [(e, so, sl) for e, so, sl in segments(data) if so + sl <= len(data) and sl > 0]
    if not segs or not _u(data, 12, 4) & CHECKSUMS:
        return None
    e, so, sl = rng.choice(segs)
    if rng.random() < 0.5:
        old = _u(data, e + 24, 4)
        out, what = _put(data, e + 24, 4, old ^ (1 << rng.randrange(32))), \
            f"segment_crc at {e + 24} changed"
    else:   # a payload or column byte, which a structural rule may also catch
        i = rng.randrange(so, so + sl)
        out, what = _put(data, i, 1, data[i] ^ (1 << rng.randrange(8))), \
            f"byte {i} of the segment at {so} flipped"
    return refresh_checksums(out, segment_crcs=False), what + ", header CRCs right", \
        ["R-SEG-10"]


def reserved_tail(rng: random.Random, data: bytes, donor: bytes) -> Mutation | None:
    """A non-zero byte in 80..127 (R-CRC-5), sometimes with another compatible bit (then
    allowed), the header CRC made right or not."""
    if not _v2(data):
        return None
    b = bytearray(data)
    i = rng.randrange(80, 128)
    b[i] = rng.randrange(1, 256)
    what = f"reserved byte {i} = {b[i]}"
    if rng.random() < 0.3:
        b[15] |= 1 << rng.randrange(1, 8)
        what += f", flags {_u(bytes(b), 12, 4):#x}"
    if rng.random() < 0.7:
        b[64:68] = crc32c(bytes(b[:64]) + bytes(4) + bytes(b[68:128])).to_bytes(4, "big")
        what += ", header_crc recomputed"
    return bytes(b), what, ["R-CRC-5"]


def region_flip(rng: random.Random, data: bytes, donor: bytes) -> Mutation | None:
    """One byte flipped inside a region a checksum covers: the chunk region, the event
    section or segment table, a segment, the index."""
    if not _v2(data):
        return None
    spans = [(128, _u(data, 32, 8), "chunk region", "R-CRC-2"),
             (_u(data, 40, 8), _u(data, 40, 8) + _u(data, 48, 8), "event section", "R-CRC-3"),
             (_u(data, 16, 8), _u(data, 16, 8) + _u(data, 24, 8), "index", "R-CRC-4")]
    spans += [(so, so + sl, f"segment at {so}", "R-SEG-10") for _, so, sl in segments(data)]
    spans = [s for s in spans if s[0] < s[1] <= len(data)]
    if not spans:
        return None
    lo, hi, name, rule = rng.choice(spans)
    i = rng.randrange(lo, hi)
    bit = rng.randrange(8)
    b = bytearray(data)
    b[i] ^= 1 << bit
    return bytes(b), f"bit {bit} of byte {i} flipped in the {name}", [rule]


MUTATORS = [(table_field, 20), (table_order, 10), (segment_edit, 14), (counts, 6),
            (empty_segment, 4), (chunk_on_segment, 4), (flag_toggle, 8), (crc_field, 10),
            (segment_crc, 6), (reserved_tail, 5), (region_flip, 12)]
_TABLE = [m for m, w in MUTATORS for _ in range(w)]


def mutate(rng: random.Random, data: bytes, donor: bytes) -> Mutation:
    """One hostile file aimed at the 1.1.0 structures of `data` (sometimes a generic mutation
    stacked on it); the generic mutations when none applies."""
    for _ in range(20):
        got = rng.choice(_TABLE)(rng, data, donor)
        if got is not None and got[0] != data:
            if rng.random() < 0.15:
                again = rng.choice(_TABLE)(rng, got[0], donor)
                if again is not None:
                    return again[0], got[1] + "; " + again[1], got[2] + again[2]
            return got
    return mutate_generic(rng, data, donor)
