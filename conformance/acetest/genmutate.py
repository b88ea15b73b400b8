"""Hostile files for --generate, derived from valid ones (in the manner of zstd's decodecorpus,
which derives broken frames from valid ones it generated itself).

Each mutator takes (rng, data, donor) and returns (new bytes, description, rule hints) or None
when it does not apply. `data` is a valid file, `donor` another valid file (for splices). The
rule hints name the rules the mutation aims at; they go into the ready-to-add manifest entry
when a mutant shows a disagreement (the reference's own rejection rule comes first there).
"""
from __future__ import annotations

import random
import re

MAX53 = 2**53 - 1
# v2 header: (name, offset, size); v1 header likewise.
V2_FIELDS = [("version", 8, 4), ("flags", 12, 4), ("kv_index_offset", 16, 8),
             ("kv_index_length", 24, 8), ("kv_chunk_end", 32, 8), ("evt_offset", 40, 8),
             ("evt_length", 48, 8), ("evt_count", 56, 4), ("evt_base_id", 60, 4)]
V1_FIELDS = [("version", 8, 4), ("flags", 12, 4), ("index_offset", 16, 8),
             ("index_length", 24, 8)]

Mutation = tuple[bytes, str, list[str]]


def _u(data: bytes, off: int, size: int) -> int:
    return int.from_bytes(data[off:off + size], "big") if off + size <= len(data) else 0


def _put(data: bytes, off: int, size: int, value: int) -> bytes:
    value &= (1 << (8 * size)) - 1
    return data[:off] + value.to_bytes(size, "big") + data[off + size:]


def version(data: bytes) -> int:
    return _u(data, 8, 4)


def index_span(data: bytes) -> tuple[int, int] | None:
    off, n = _u(data, 16, 8), _u(data, 24, 8)
    return (off, n) if off + n <= len(data) else None


def event_span(data: bytes) -> tuple[int, int] | None:
    if version(data) != 2:
        return None
    off, n = _u(data, 40, 8), _u(data, 48, 8)
    return (off, n) if off + n <= len(data) else None


# --- byte-level --------------------------------------------------------------------------

def bit_flips(rng: random.Random, data: bytes, donor: bytes) -> Mutation | None:
    if not data:
        return None
    b = bytearray(data)
    where = []
    for _ in range(rng.choice([1, 1, 1, 2, 3, 8])):
        # half of the flips land in the header, where every bit matters
        i = rng.randrange(min(len(b), 128)) if rng.random() < 0.5 else rng.randrange(len(b))
        bit = rng.randrange(8)
        b[i] ^= 1 << bit
        where.append(f"{i}.{bit}")
    return bytes(b), "bit flip at " + " ".join(where), ["R-HDR-2"]


def header_field(rng: random.Random, data: bytes, donor: bytes) -> Mutation:
    fields = V2_FIELDS if version(data) == 2 else V1_FIELDS
    name, off, size = rng.choice(fields)
    old = _u(data, off, size)
    top = 1 << (8 * size)
    choices = [old + 1, old - 1, old + rng.randrange(2, 64), 0, len(data), len(data) + 1,
               top - 1, old | (top >> 1)]
    if size == 8:
        choices += [old | 1 << 32, old | 1 << 63, old + (1 << 32), MAX53, MAX53 + 1,
                    (1 << 64) - old]
    else:
        choices += [3, 0x10000, 0x8000_0000, 0xFFFF]
    new = rng.choice(choices) % top
    hint = {"version": "R-HDR-3", "flags": "R-HDR-4", "kv_index_offset": "R-LAY-1",
            "index_offset": "R-LAY-1", "kv_index_length": "R-LAY-1", "index_length": "R-LAY-1",
            "kv_chunk_end": "R-LAY-3", "evt_offset": "R-LAY-2", "evt_length": "R-EVT-4",
            "evt_count": "R-EVT-9", "evt_base_id": "R-EVT-10"}[name]
    return _put(data, off, size, new), f"header {name} {old} -> {new}", [hint]


def reserved_byte(rng: random.Random, data: bytes, donor: bytes) -> Mutation | None:
    lo, hi, rule = (64, 128, "R-HDR-6") if version(data) == 2 else (32, 64, "R-V1-1")
    if len(data) < hi:
        return None
    i = rng.randrange(lo, hi)
    b = bytearray(data)
    b[i] = rng.randrange(1, 256)
    if rng.random() < 0.3:      # with a compatible flag bit the reserved bytes are free
        b[15] |= 1 << rng.randrange(8)
    return bytes(b), f"reserved byte {i} = {b[i]}, flags {_u(bytes(b), 12, 4):#x}", [rule]


def truncate(rng: random.Random, data: bytes, donor: bytes) -> Mutation | None:
    if len(data) < 2:
        return None
    marks = [0, 63, 64, 127, 128, len(data) - 1]
    for span in (index_span(data), event_span(data)):
        if span:
            marks += [span[0], span[0] + 1, span[0] + span[1] - 1]
    cut = rng.choice(marks) if rng.random() < 0.6 else rng.randrange(len(data))
    cut = max(0, min(cut, len(data) - 1))
    return data[:cut], f"truncated to {cut} of {len(data)} bytes", ["R-LAY-1"]


def append_tail(rng: random.Random, data: bytes, donor: bytes) -> Mutation:
    tail = rng.choice([b"\x00", b"}", b" ", rng.randbytes(rng.randrange(1, 40)), donor[:64]])
    return data + tail, f"{len(tail)} tail bytes appended", ["R-LAY-5"]


def splice(rng: random.Random, data: bytes, donor: bytes) -> Mutation | None:
    src = donor if rng.random() < 0.6 else data
    if not src or not data:
        return None
    a = rng.randrange(len(src))
    n = rng.randrange(1, min(64, len(src) - a) + 1)
    at = rng.randrange(len(data))
    piece = src[a:a + n]
    if rng.random() < 0.5:
        out, how = data[:at] + piece + data[at + n:], "overwritten"
    else:
        out, how = data[:at] + piece + data[at:], "inserted"
    who = "donor" if src is donor else "self"
    return out, f"{n} bytes of {who}@{a} {how} at {at}", ["R-CHK-3"]


# --- index text ---------------------------------------------------------------------------

_NUM = re.compile(rb"(?<=[:\[,])(0|[1-9][0-9]*)(?=[,}])")


def _number_forms(v: int) -> list[bytes]:
    """Spellings of v (or of near values) that lenient or double-based parsers get wrong:
    exact value v in compat (R-IDX-10) but not strict, or not an integer in [0, 2^53-1]."""
    s = str(v).encode()
    k = len(s)
    return [s + b".0", s + b"e0", s + b"0e-1", s + b"E+0", b"-" + s, b"0" + s, s + b".",
            b"1e400", str(MAX53 + 1).encode(), str(2**64).encode(), str(v + 2**32).encode(),
            s + b".5", b"-0" if v == 0 else s + b".00", s + b"e" + b"0" * 400,
            s + b"0" * 25 + b"e-25", b"0." + s + b"e" + str(k).encode(), s + b"." + b"0" * 60,
            s + b"e+" + b"0" * 30 + b"1", b"0e99999999999999999999", b"-0.0e-99999999999999999999",
            b"1e-99999999999999999999", s + b"e99999999999999999999", s + b".0000000000000000001",
            str(MAX53).encode(), str(MAX53).encode() + b".0", b"9007199254740993",
            b"4503599627370496.5", str(v + 2**53).encode(), s + b"e-0", b"+" + s, s + b"e"]


def _replace_index(data: bytes, new_index: bytes) -> bytes | None:
    """The file with its index text replaced (the index must be last, as in canonical files);
    the header's index length follows, so only the index text changes meaning."""
    span = index_span(data)
    if span is None or span[0] + span[1] != len(data):
        return None
    return _put(data[:span[0]] + new_index, 24, 8, len(new_index))


def index_edit(rng: random.Random, data: bytes, donor: bytes) -> Mutation | None:
    span = index_span(data)
    if span is None or len(data) < 40:
        return None
    text = data[span[0]:span[0] + span[1]]
    nums = list(_NUM.finditer(text))
    quotes = [m.start() for m in re.finditer(rb'"', text)]
    r = rng.randrange(12)
    if r < 3 and nums:
        m = rng.choice(nums)
        form = rng.choice(_number_forms(int(m.group(1))))
        new, what, rule = text[:m.start()] + form + text[m.end():], f"number {m.group(1)!r} -> " \
            f"{form[:24]!r}", "R-IDX-10"
    elif r == 3 and len(text) > 2:
        # duplicate a whole member (same key twice), or an inner member of an entry
        members = _members(text)
        if not members:
            return None
        a, b = rng.choice(members)
        new, what, rule = text[:b] + b"," + text[a:b] + text[b:], "member duplicated", "R-IDX-7"
    elif r == 4 and nums:
        m = rng.choice(nums)
        name_end = text.rfind(b'"', 0, m.start())
        name_start = text.rfind(b'"', 0, name_end)
        if name_start < 0:
            return None
        dup = text[name_start:m.end()]
        new, what, rule = text[:name_start] + dup + b"," + text[name_start:], \
            "entry member repeated", "R-IDX-9"
    elif r == 5:
        ws = rng.choice([b" ", b"\n", b"\t", b"\r", b"\xef\xbb\xbf"])
        at = 0 if ws.startswith(b"\xef") else rng.randrange(len(text) + 1)
        new, what, rule = text[:at] + ws + text[at:], f"{ws!r} inserted at {at}", "R-IDX-3"
    elif r == 6 and quotes and rng.random() < 0.5:
        # re-spell one character of a key as a \\u escape: the same key in compat (R-IDX-11),
        # not the strict form (R-IDX-6); sometimes as a second member, so the keys collide
        # after decoding (R-IDX-7 strict; the last one counts in compat, R-IDX-12)
        members = _members(text)
        if not members:
            return None
        a, b = rng.choice(members)
        colon = text.index(b'":', a)
        plain = [i for i in range(a + 1, colon) if 0x20 <= text[i] < 0x7F and text[i] not in
                 b'"\\' and text[i - 1] != 0x5C]
        if not plain:
            return None
        i = rng.choice(plain)
        esc = rng.choice([b"\\u%04x", b"\\u%04X"]) % text[i]
        respelt = text[a:i] + esc + text[i + 1:b]
        if rng.random() < 0.5:
            new, what, rule = text[:a] + respelt + text[b:], f"key char {i} as {esc!r}", "R-IDX-6"
        else:
            new, what, rule = text[:b] + b"," + respelt + text[b:], \
                f"member repeated with key char {i} as {esc!r}", "R-IDX-7"
    elif r == 6 and quotes:
        at = rng.choice(quotes) + 1
        esc = rng.choice([b"\\u0061", b"\\u00E9", b"\\u00e9", b"\\/", b"\\ud800", b"\\udc00",
                          b"\\ud83d\\ude00", b"\\u0000", b"\\x", b"\\", b"\\u00", b"\\U0041",
                          b"\\n", b"\\u000a", b"\\u001F"])
        new, what, rule = text[:at] + esc + text[at:], f"escape {esc!r} at {at}", "R-IDX-6"
    elif r == 7:
        bad = rng.choice([b"\xff", b"\xc0\x80", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xe2\x82",
                          b"\x80"])
        at = rng.choice(quotes) + 1 if quotes else rng.randrange(len(text) + 1)
        new, what, rule = text[:at] + bad + text[at:], f"bad UTF-8 {bad!r} at {at}", "R-IDX-1"
    elif r == 8 and nums:
        m = rng.choice(nums)
        extra = rng.choice([b',"x":1', b',"offset":0', b',"length":0', b',"y":[{"\\ud800":1}]',
                            b',"z":{"a":null}', b',"\\ud800":1'])
        close = text.find(b"}", m.end())
        new, what, rule = text[:close] + extra + text[close:], f"{extra!r} added to an entry", \
            "R-IDX-4"
    elif r == 9:
        junk = rng.choice([b",", b"{}", b"[]", b"x", b"}", b'"', b"\x00"])
        at = rng.choice([0, len(text), len(text) - 1, rng.randrange(len(text) + 1)])
        new, what, rule = text[:at] + junk + text[at:], f"{junk!r} inserted at {at}", "R-IDX-2"
    elif r == 10:
        entries = _members(text)
        if len(entries) < 2:
            return None
        new, what, rule = _swap(text, entries, rng), "two members swapped", "R-CHK-4"
    else:
        new, what, rule = rng.choice([b"[]", b"{}", b"", b'{"":{"offset":0,"length":0}}',
                                      b"null", b"{\"a\":1}"]), "index replaced", "R-IDX-2"
        what = f"index replaced by {new!r}"
    out = _replace_index(data, new)
    return (out, "index " + what, [rule]) if out is not None else None


def _members(text: bytes) -> list[tuple[int, int]]:
    """(start, end) of each top-level member `"key":{...}` of a strict-grammar index."""
    out, depth, start, i, n = [], 0, None, 0, len(text)
    in_str = esc = False
    while i < n:
        c = text[i]
        if in_str:
            if esc:
                esc = False
            elif c == 0x5C:
                esc = True
            elif c == 0x22:
                in_str = False
        elif c == 0x22:
            in_str = True
            if depth == 1 and start is None:
                start = i
        elif c == 0x7B:
            depth += 1
        elif c == 0x7D:
            depth -= 1
            if depth == 1 and start is not None:
                out.append((start, i + 1))
                start = None
        i += 1
    return out


def _swap(text: bytes, entries: list[tuple[int, int]], rng: random.Random) -> bytes:
    i, j = sorted(rng.sample(range(len(entries)), 2))
    (a1, b1), (a2, b2) = entries[i], entries[j]
    return text[:a1] + text[a2:b2] + text[b1:a2] + text[a1:b1] + text[b2:]


# --- event section ----------------------------------------------------------------------

def event_edit(rng: random.Random, data: bytes, donor: bytes) -> Mutation | None:
    span = event_span(data)
    if span is None or span[1] < 8 or len(data) < 64:
        return None
    return event_edit_at(rng, data, span[0], span[1])


def event_edit_at(rng: random.Random, data: bytes, s: int, length: int) -> Mutation | None:
    """event_edit on the event section at [s, s + length) (a segment of a segmented file,
    spec 3.7, is one too)."""
    n = _u(data, s, 4)
    pad = (4 - n % 4) % 4
    if 8 + 19 * n + pad > length:
        return None
    r = rng.randrange(7)
    if r == 0 or n == 0:
        new = rng.choice([n + 1, max(0, n - 1), n + 4, 0xFFFFFFFF, 0x80000000, n | 0x10000])
        return _put(data, s, 4, new), f"event count {n} -> {new}", ["R-EVT-3"]
    i = rng.randrange(n)
    if r == 1:
        ts = rng.choice([MAX53 + 1, 2**64 - 1, 2**63, 2**53 + 2**32, 2**32])
        return _put(data, s + 4 + 8 * i, 8, ts), f"ts[{i}] = {ts}", ["R-EVT-8"]
    if r == 2 and pad:
        at = s + 4 + 11 * n + rng.randrange(pad)
        return _put(data, at, 1, rng.randrange(1, 256)), f"pad byte {at} set", ["R-EVT-5"]
    off_at = s + 4 + 11 * n + pad + 4 * i
    len_at = off_at + 4 * n
    if r == 3:
        d = rng.choice([1, -1, 2**32 - 1, 2**31, 4])
        return _put(data, off_at, 4, _u(data, off_at, 4) + d), f"pay_off[{i}] += {d}", \
            ["R-EVT-6"]
    if r == 4:
        d = rng.choice([1, -1, 2**32 - 1, 2**31, 4])
        return _put(data, len_at, 4, _u(data, len_at, 4) + d), f"pay_len[{i}] += {d}", \
            ["R-EVT-7"]
    if r == 5:
        pl_at = s + 4 + 19 * n + pad
        d = rng.choice([1, -1, 2**32 - 1])
        return _put(data, pl_at, 4, _u(data, pl_at, 4) + d), f"pool_length += {d}", \
            ["R-EVT-6"]
    # a payload byte: breaks its UTF-8 or its JSON, length unchanged
    p0 = s + 8 + 19 * n + pad + _u(data, off_at, 4)
    plen = _u(data, len_at, 4)
    if plen == 0 or p0 + plen > len(data):
        return None
    at = p0 + rng.randrange(plen)
    byte = rng.choice([0xFF, 0x80, 0x00, 0x5B, 0x22, 0x20, 0x7D])
    return _put(data, at, 1, byte), f"payload {i} byte {at} = {byte:#04x}", ["R-PAY-2"]


# --- choosing ------------------------------------------------------------------------------

MUTATORS = [(bit_flips, 14), (header_field, 16), (reserved_byte, 4), (truncate, 8),
            (append_tail, 3), (splice, 8), (index_edit, 26), (event_edit, 16)]
_TABLE = [m for m, w in MUTATORS for _ in range(w)]


def mutate(rng: random.Random, data: bytes, donor: bytes) -> Mutation:
    """One hostile file derived from `data` (rarely two mutations stacked)."""
    for _ in range(20):
        got = rng.choice(_TABLE)(rng, data, donor)
        if got is not None and got[0] != data:
            if rng.random() < 0.1:
                again = rng.choice(_TABLE)(rng, got[0], donor)
                if again is not None:
                    return again[0], got[1] + "; " + again[1], got[2] + again[2]
            return got
    return bit_flips(rng, data, donor) or (data + b"\x00", "one byte appended", ["R-LAY-5"])
