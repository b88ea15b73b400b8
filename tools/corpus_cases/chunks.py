"""chunks/: values, chunk length prefixes, chunk placement and overlap (3.4, R-CHK-*)."""

import random

from . import binfmt as B
from .common import SMALL_EVENTS, canon
from .model import ACCEPT, Cases


def _file(pieces, events=(), tail=b"", index=None, **hdr):
    """A v2 file from pieces: ("chunk", key, value[, prefix]) | ("raw", bytes) |
    ("entry", key, offset, length) for extra index entries (offsets absolute)."""
    b = B.V2()
    extra = []
    for p in pieces:
        if p[0] == "chunk":
            b.chunk(p[2], key=p[1], prefix=p[3] if len(p) > 3 else None)
        elif p[0] == "raw":
            b.raw(p[1])
        else:
            extra.append(p[1:])
    b.section(list(events))
    if index is None:
        b.index(B.index_text(b.entries + extra))
    else:
        b.index(index(b))
    b.tail(tail)
    return b.build(**hdr)


def cases():
    C = Cases("chunks")
    rng = random.Random(20261125)

    # Values of every length class and content (W-CHK-1, R-CHK-*).
    C.read("value_empty", canon({"empty": b""}), "one key with an empty value: chunk = 4 zero "
           "bytes", ACCEPT, ACCEPT, ["R-CHK-3", "W-CHK-1"])
    C.read("value_1_byte", canon({"k": b"x"}), "one key with a 1-byte value", ACCEPT, ACCEPT,
           ["R-CHK-1", "W-CHK-1"])
    for n in (3, 4, 5, 255, 256, 65535, 65536):
        v = bytes(rng.randrange(32, 127) for _ in range(n))
        C.read(f"value_{n}_bytes", canon({"k": v}), f"one key with a {n}-byte ASCII value",
               ACCEPT, ACCEPT, ["R-CHK-1", "W-CHK-1"])
    big = bytes(rng.randrange(256) for _ in range(1048577))
    C.read("value_1mib_plus_1", canon({"blob": big}), "one key with a 1,048,577-byte random "
           "binary value (not UTF-8: the dump has no value_utf8)", ACCEPT, ACCEPT,
           ["R-CHK-1", "W-CHK-1"])
    C.read("value_all_bytes", canon({"bytes": bytes(range(256))}), "a value holding the 256 "
           "byte values in order", ACCEPT, ACCEPT, ["R-CHK-3"])
    for name, v, what in (
            ("value_invalid_utf8", b"\xc0\x80\xed\xa0\x80\xf4\x90\x80\x80\xff",
             "invalid UTF-8 (overlong, surrogate, above U+10FFFF, 0xFF): dump has only value_hex"),
            ("value_truncated_utf8", b"caf\xc3", "UTF-8 cut inside a 2-byte sequence"),
            ("value_utf8_multibyte", "é€😀\u2028\u2029\ufeff\x7f".encode(),
             "valid UTF-8 of 2, 3 and 4 bytes, U+2028/2029, a BOM, DEL: dump has value_utf8"),
            ("value_controls", bytes(range(32)) + b'"\\/', "the 32 controls, quote, backslash, "
             "slash (the dump's value_utf8 escapes them per D-5)"),
            ("value_nul", b"\x00", "a single NUL byte"),
            ("value_json", b'{"a":[1,2,{"b":null}]}', "a JSON text (values are opaque bytes)")):
        C.read(name, canon({"k": v}), f"a value of {what}", ACCEPT, ACCEPT, ["R-CHK-3"])
    C.read("many_keys_100", canon({"key/%03d" % i: b"v%d" % i for i in range(100)}),
           "100 keys with small values", ACCEPT, ACCEPT, ["R-CHK-4", "W-CHK-1"])
    C.read("zero_length_adjacent", canon({"a": b"", "b": b"", "c": b""}), "three empty values "
           "in adjacent 4-byte chunks (they touch, they do not overlap)", ACCEPT, ACCEPT,
           ["R-CHK-4"])
    C.read("chunks_unreferenced", _file([("raw", B.u32(3) + b"old"),
                                         ("raw", B.u32(0))]), "no keys, two chunks nobody "
           "references (dead space)", ACCEPT, ACCEPT, ["R-CHK-2"])
    C.read("index_order_reversed", _file([("chunk", "a", b"1"), ("chunk", "b", b"22")],
                                         index=lambda b: B.index_text(b.entries[::-1])),
           "index members in reverse key order (member order has no meaning, 4.2)",
           ACCEPT, ACCEPT, ["R-CHK-2"])
    C.read("chunks_out_of_key_order", _file([("chunk", "b", b"22"), ("chunk", "a", b"1")]),
           "chunks stored in the reverse of key order (JS insertion order)", ACCEPT, ACCEPT,
           ["R-CHK-2", "W-CHK-1"])

    # R-CHK-3 (strict): the length prefix equals the index length; compat reads the index length.
    base = [("chunk", "a", b"hello"), ("chunk", "state/b", b'{"x":1}')]
    for name, prefix, what in (("prefix_plus_1", 6, "6 (value length + 1)"),
                               ("prefix_minus_1", 4, "4 (value length - 1)"),
                               ("prefix_0", 0, "0"),
                               ("prefix_2p32m1", B.MAX32, "2^32-1"),
                               ("prefix_2p31", 2**31, "2^31")):
        d = _file([("chunk", "a", b"hello", prefix), base[1]], SMALL_EVENTS)
        C.read(name, d, f"key 'a' has index length 5, its chunk's length prefix is {what}; "
               "compat reads 5 bytes", "R-CHK-3", ACCEPT)
    d = _file([("chunk", "e", b"", 1), base[1]], SMALL_EVENTS)
    C.read("prefix_1_empty_value", d, "an empty value (index length 0) whose prefix is 1",
           "R-CHK-3", ACCEPT)

    # R-CHK-2 (strict): chunks lie inside [128, kv_chunk_end).
    d = _file(base, SMALL_EVENTS, index=lambda b: B.index_text(b.entries + [("hdr", 124, 0)]))
    C.read("chunk_in_header", d, "key 'hdr' at offset 124, length 0: its prefix is the zero "
           "reserved bytes 124..127, inside the header", "R-CHK-2", ACCEPT)
    b = B.V2()
    b.chunk(b"hello", key="a")
    sec = b.section(SMALL_EVENTS)
    b.index(B.index_text(b.entries + [("evt", sec, 2)]))
    C.read("chunk_is_section_start", b.build(), "key 'evt' points at the event section: its "
           "prefix is the section count (2), its value the first 2 bytes of ts[0]", "R-CHK-2",
           ACCEPT)
    b = B.V2()
    b.chunk(b"hello", key="a")
    sec = b.section([])
    b.index(B.index_text(b.entries + [("at_end", sec, 0)]))
    C.read("chunk_at_chunk_end", b.build(), "key 'at_end' at offset kv_chunk_end, length 0: "
           "its 4-byte chunk is the count 0 of the empty event section", "R-CHK-2", ACCEPT)
    b = B.V2()
    b.chunk(b"hello", key="a")
    b.chunk(b'{"x":1}', key="state/b", prefix=8)
    b.section(SMALL_EVENTS)
    ents = b.entries[:1] + [("state/b", b.entries[1][1], 8)]
    b.index(B.index_text(ents))
    C.read("chunk_1_past_chunk_end", b.build(), "the last chunk's prefix and index length are "
           "both 8, one more than the stored value: it ends 1 byte inside the event section",
           "R-CHK-2", ACCEPT)
    for name, tail_val, what in (("chunk_in_tail", b"tail value", "a 10-byte value in the tail"),
                                 ("chunk_in_tail_at_eof", b"", "an empty value whose 4-byte "
                                  "prefix is the last 4 bytes of the file")):
        d = _tail_chunk_file(base, tail_val)
        C.read(name, d, f"key 't' points at {what}, after the index (prefix correct)",
               "R-CHK-2", ACCEPT)

    # R-CHK-1 (both): the value lies inside the file. In strict every R-CHK-1 break also breaks
    # R-CHK-2 (kv_chunk_end <= file size when the layout rules hold).
    S0 = _file(base, SMALL_EVENTS)
    size0 = len(S0)
    for name, off, ln, what in (
            ("value_offset_eof", None, 0, "offset = file size, length 0"),
            ("value_offset_eof_minus_3", -3, 0, "offset = file size - 3, length 0 (the prefix "
             "ends 1 byte past the end)"),
            ("value_offset_2p53m1", B.MAX53, 0, "offset 2^53-1, length 0"),
            ("value_length_2p53m1", 128, B.MAX53, "offset 128, length 2^53-1"),
            ("value_offset_and_length_2p53m1", B.MAX53, B.MAX53, "offset and length 2^53-1 "
             "(the sum needs 55 bits)"),
            ("value_length_2p32", 128, 2**32, "offset 128, length 2^32 (more than a u32 "
             "prefix can hold)")):
        d = _file_with_entry(base, off, ln)
        # At offset 128 the prefix (of key 'a') cannot equal the length (R-CHK-3) and the
        # huge chunk covers the other chunks (R-CHK-4).
        strict = ("R-CHK-1", "R-CHK-2") + (("R-CHK-3", "R-CHK-4") if off == 128 else ())
        C.read(name, d, f"key 'x' with {what}", strict, "R-CHK-1")
    d = _tail_chunk_file(base, b"0123456789", declared=11)
    C.read("chunk_in_tail_1_past_eof", d, "key 't' points at a chunk in the tail whose prefix "
           "and index length (11) reach 1 byte past the end of the file",
           ("R-CHK-1", "R-CHK-2"), "R-CHK-1")

    # R-CHK-4 (strict): chunks of different keys do not overlap.
    b = B.V2()
    off = b.chunk(b"shared", key="a")
    b.section([])
    b.index(B.index_text(b.entries + [("b", off, 6)]))
    C.read("same_chunk_two_keys", b.build(), "keys 'a' and 'b' reference the same chunk",
           "R-CHK-4", ACCEPT)
    b = B.V2()
    off = b.chunk(b"", key="a")
    b.section([])
    b.index(B.index_text(b.entries + [("b", off, 0)]))
    C.read("same_empty_chunk_two_keys", b.build(), "keys 'a' and 'b' both reference the same "
           "4-byte chunk of an empty value", "R-CHK-4", ACCEPT)
    b = B.V2()
    x = b.raw(B.u32(10) + b"AAAA" + B.u32(6) + b"BB" + b"CCCC")
    b.section([])
    b.index(B.index_text([("a", x, 10), ("b", x + 8, 6)]))
    C.read("partial_overlap", b.build(), "chunk of 'b' starts inside the value of 'a' (its "
           "prefix is bytes 4..7 of a's value) and ends after it", "R-CHK-4", ACCEPT)
    b = B.V2()
    x = b.raw(B.u32(12) + b"AA" + B.u32(2) + b"BB" + b"AAAA")
    b.section([])
    b.index(B.index_text([("a", x, 12), ("b", x + 6, 2)]))
    C.read("nested_chunk", b.build(), "chunk of 'b' lies entirely inside the value of 'a'",
           "R-CHK-4", ACCEPT)
    b = B.V2()
    x = b.raw(B.u32(4) + b"xyz\x00" + b"\x00\x00\x03" + b"pqr")
    b.section([])
    b.index(B.index_text([("a", x, 4), ("b", x + 7, 3)]))
    C.read("overlap_1_byte", b.build(), "the last byte of a's value is the first byte of b's "
           "prefix: the chunks overlap by exactly one byte", "R-CHK-4", ACCEPT)
    b = B.V2()
    x = b.raw(B.u32(3) + b"xyz" + B.u32(3) + b"pqr")
    b.section([])
    b.index(B.index_text([("a", x, 3), ("b", x + 7, 3)]))
    C.read("adjacent_touching", b.build(), "the chunk of 'b' starts on the byte after the chunk "
           "of 'a' ends (touching is not overlapping)", ACCEPT, ACCEPT, ["R-CHK-4"])
    return C


def _tail_chunk_file(base, value, declared=None):
    """The SMALL layout plus a key 't' whose chunk lies in the tail right after the index.
    t's offset is written in the index, whose length depends on it: iterate to the fixed point."""
    declared = len(value) if declared is None else declared

    def build(o):
        b = B.V2()
        for p in base:
            b.chunk(p[2], key=p[1])
        b.section(SMALL_EVENTS)
        b.index(B.index_text(b.entries + [("t", o, declared)]))
        end = b.pos()
        b.tail(B.u32(declared) + value)
        return b.build(), end
    o = 1000
    for _ in range(10):
        d, end = build(o)
        if end == o:
            return d
        o = end
    raise AssertionError("no fixed point")


def _file_with_entry(base, off, length):
    """SMALL layout plus key 'x' at (off, length); off None = file size, negative = from EOF."""
    def build(o):
        b = B.V2()
        for p in base:
            b.chunk(p[2], key=p[1])
        b.section(SMALL_EVENTS)
        b.index(B.index_text(b.entries + [("x", o, length)]))
        return b.build()
    if off is not None and off >= 0:
        return build(off)
    delta = 0 if off is None else off
    o = 1000
    for _ in range(10):
        d = build(o)
        if len(d) + delta == o:
            return d
        o = len(d) + delta
    raise AssertionError("no fixed point")
