"""mutation/: cases added because a planted bug survived the rest of the corpus (tools/mutate).

Each case names the mistake it catches.  Verdicts follow the spec; the expected dumps and
outputs come from pyacepack like every other case."""

from . import binfmt as B
from .common import canon, canon_v1, small
from .index import f as index_file, one
from .migration import AGENT, entries, entry_text, lk
from .model import ACCEPT, Cases

HIGH = 2**32  # added to a u64 field: a reader that keeps only the low 32 bits sees no change


def _u64_fields(C):
    """u64 header fields read as their low 32 bits (a 32-bit int, or a JS reader that used
    getUint32 on the second half of the field)."""
    S = small()
    h = B.parse_v2_header(S)
    for off, name, strict, compat in (
            (B.OFF_KV_INDEX_OFFSET, "kv_index_offset", ("R-LAY-1", "R-LAY-5"), "R-LAY-1"),
            (B.OFF_KV_INDEX_LENGTH, "kv_index_length", ("R-LAY-1",), "R-LAY-1"),
            (B.OFF_EVT_OFFSET, "evt_offset", ("R-LAY-2", "R-LAY-4", "R-LAY-5"), "R-LAY-2"),
            (B.OFF_EVT_LENGTH, "evt_length", ("R-LAY-2", "R-LAY-5"), "R-LAY-2")):
        C.read(f"high32_{name}", B.patch_u64(S, off, B.get_u64(S, off) + HIGH),
               f"{name} with 2^32 added: its low 32 bits are the valid value, so a reader "
               "that keeps only those accepts the file", strict, compat)
    C.read("high32_kv_chunk_end", B.patch_u64(S, B.OFF_KV_CHUNK_END, h["kv_chunk_end"] + HIGH),
           "kv_chunk_end with 2^32 added: only its low 32 bits equal evt_offset (strict "
           "R-LAY-4); compat does not use kv_chunk_end", "R-LAY-4", ACCEPT)
    C.read("high16_evt_count", B.patch_u32(S, B.OFF_EVT_COUNT, h["evt_count"] + 0x10000),
           "header evt_count = the section count + 65536: equal in their low 16 bits only",
           "R-EVT-9", ACCEPT)
    C.read("high16_evt_base_id", B.patch_u32(S, B.OFF_EVT_BASE_ID, 0x10000 + 5),
           "evt_base_id 65541: the dump's ids need all of its bits", ACCEPT, ACCEPT,
           ["R-EVT-10"])
    V = canon_v1({"a": b"x"})
    C.read("high32_v1_index_offset",
           B.patch_u64(V, B.OFF_V1_INDEX_OFFSET, B.get_u64(V, B.OFF_V1_INDEX_OFFSET) + HIGH),
           "v1 index_offset with 2^32 added (its low 32 bits are the valid offset)",
           "R-LAY-1", "R-LAY-1")


def _layout_edges(C):
    """Regions one byte too early: the event section starting at the last header byte."""
    data = B.header_v2(kv_index_offset=135, kv_index_length=2, kv_chunk_end=127,
                       evt_offset=127, evt_length=8, evt_count=0) + bytes(7) + b"{}"
    C.read("chunk_end_127", data, "kv_chunk_end = evt_offset = 127: an empty event section "
           "whose first byte is the last (zero) reserved header byte; every other rule holds",
           "R-LAY-3", ACCEPT)


def _event_count_wrap(C):
    """8 + 19 * count + pad in 32 bits: count 678152731 makes it 3 * 2^32 + 10, so a reader
    that computes it in 32 bits finds 10 bytes, which fit this 12-byte section."""
    n = 678152731
    assert (8 + 19 * n + (4 - n % 4) % 4) % 2**32 == 10
    data = (B.header_v2(kv_index_offset=140, kv_index_length=2, kv_chunk_end=128,
                        evt_offset=128, evt_length=12, evt_count=n)
            + B.u32(n) + bytes(8) + b"{}")
    C.read("section_count_wraps_32", data, f"section count {n} in a 12-byte section: "
           "8 + 19 * count + pad is 3 * 2^32 + 10 (10 modulo 2^32)", ("R-EVT-3", "R-EVT-4"),
           "R-EVT-3")


def _overlap_out_of_order(C):
    """R-CHK-4 with the chunks out of index order (a reader that only compares each chunk
    with the one before it in the index misses it): b's chunk (136, length 2) lies inside
    a's (128, length 10), whose value holds b's length field."""
    value_a = b"WXYZ" + B.u32(2) + b"hi"
    chunks = B.u32(len(value_a)) + value_a
    index = b'{"b":{"offset":136,"length":2},"a":{"offset":128,"length":10}}'
    end = 128 + len(chunks)
    data = (B.header_v2(kv_index_offset=end + 8, kv_index_length=len(index), kv_chunk_end=end,
                        evt_offset=end, evt_length=8, evt_count=0)
            + chunks + bytes(8) + index)
    C.read("overlap_out_of_index_order", data, "the chunk of b (listed first) lies inside the "
           "chunk of a: chunks overlap, out of index order", "R-CHK-4", ACCEPT,
           kv={"a": value_a, "b": b"hi"})


def _overlap_in_prefix(C):
    """Two empty values whose 4-byte length fields overlap (a at 128, b at 130), listed out of
    index order: a reader that leaves the length field out of a chunk's extent misses it."""
    chunks = bytes(6)  # a's field 128..131 and b's field 130..133 are all zero: length 0
    index = b'{"b":{"offset":130,"length":0},"a":{"offset":128,"length":0}}'
    end = 128 + len(chunks)
    data = (B.header_v2(kv_index_offset=end + 8, kv_index_length=len(index), kv_chunk_end=end,
                        evt_offset=end, evt_length=8, evt_count=0)
            + chunks + bytes(8) + index)
    C.read("overlap_in_length_fields", data, "the chunks of b (130) and a (128), both empty, "
           "overlap in their length fields; out of index order", "R-CHK-4", ACCEPT,
           kv={"a": b"", "b": b""})


def _surrogates(C):
    """A surrogate pair is a high then a low surrogate; a decoder that pairs any two
    surrogate escapes (or any surrogate with the next escape) accepts these."""
    for name, text, what in (
            ("key_two_lows", '"\\udc00\\udc00"', "two low surrogate escapes"),
            ("key_low_then_high_then_low", '"\\udc00\\ud83d\\ude00"', "a lone low surrogate "
             "escape before a valid pair")):
        C.read(name, index_file(one(text)), f"key written {text}: {what}, not Unicode text",
               "R-IDX-6", "R-IDX-11")


def _strict_keys(C):
    """Strict keys: raw controls (also inside a long key, past an 8-byte fast path) are not
    JSON; \\u escapes are only for controls without a short form."""
    for name, raw, what in (("key_raw_1f", b'"a\x1fb"', "a raw U+001F"),
                            ("key_raw_01_in_long_key", b'"abcdefghijklmnop\x01qrstuvwxyz"',
                             "a raw U+0001 after 16 plain bytes")):
        C.read(name, index_file(one(raw)), f"key holding {what}: not a JSON string",
               "R-IDX-2", "R-IDX-2")
    for name, text, key in (("key_escaped_cr_long_form", '"\\u000d"', "\r"),
                            ("key_escaped_space", '"\\u0020"', " "),
                            ("key_escaped_1f", '"a\\u001f"', "a\x1f")):
        C.read(name, index_file(one(text)), f"key written {text}", "R-IDX-6" if "1f" not in
               name else ACCEPT, ACCEPT, ["R-IDX-6"], kv={key: b"hello"})


def _escaped_keys(C):
    """Compat decodes escaped keys: the UTF-8 length boundaries and the order and equality of
    decoded keys (a key that is a prefix of another sorts first)."""
    for name, text, key in (("key_escaped_u07ff", '"\\u07ff"', "\u07ff"),
                            ("key_escaped_u0800", '"\\u0800"', "\u0800"),
                            ("key_escaped_uffff", '"\\uffff"', "\uffff"),
                            ("key_escaped_u0080", '"\\u0080"', "\u0080")):
        C.read(name, index_file(one(text)), f"key written {text}: the last or first code point "
               "of a UTF-8 length; compat decodes it", "R-IDX-6", ACCEPT, ["R-IDX-11"],
               kv={key: b"hello"})
    C.read("keys_escaped_prefix", index_file('{"ab":%s,"\\u0061":%s}' % (
        '{"offset":141,"length":5}', '{"offset":128,"length":5}')),
           'keys "ab" and "\\u0061" (= "a", a prefix of "ab"): the dump lists "a" first',
           "R-IDX-6", ACCEPT, ["D-6"], kv={"a": b"hello", "ab": b"world"})
    C.read("keys_escaped_prefix_reversed", index_file('{"\\u0061b":%s,"a":%s}' % (
        '{"offset":141,"length":5}', '{"offset":128,"length":5}')),
           'keys "\\u0061b" (= "ab") and "a": the dump lists "a" first',
           "R-IDX-6", ACCEPT, ["D-6"], kv={"a": b"hello", "ab": b"world"})
    C.read("entry_escaped_name_prefix_of_offset", index_file(
        '{"a":{"offset":128,"length":5,"\\u006f":141}}'),
           'entry with an extra member "\\u006f" (= "o", a prefix of "offset"): an unknown '
           "member, ignored", "R-IDX-4", ACCEPT, ["R-IDX-9"], kv={"a": b"hello"})
    C.read("entry_escaped_name_prefix_of_length", index_file(
        '{"a":{"offset":128,"length":5,"\\u006ce":0}}'),
           'entry with an extra member "\\u006ce" (= "le", a prefix of "length"): ignored',
           "R-IDX-4", ACCEPT, ["R-IDX-9"], kv={"a": b"hello"})


def _migration_numbers(C):
    """M-4 (3) compares exact values.  0.1.0 writes plain integers, so a migrator's fast path
    for them must not be the only path: these members take the general one."""
    keys_agent = set(AGENT)
    for name, text, what in (
            ("kind_256_exponent", entry_text(2).replace('"kind":1', '"kind":2.56e2'),
             "kind 2.56e2 (256, out of range)"),
            ("source_256_exponent", entry_text(2).replace('"content_source":2',
                                                          '"content_source":25.6e1'),
             "content_source 25.6e1 (256, out of range)"),
            ("flags_256_exponent", entry_text(2)[:-1] + ',"flags":2560e-1}',
             "flags 2560e-1 (256, out of range)"),
            ("ts_2p53_exponent", entry_text(2).replace('"ts":%d' % (1700000000002),
                                                       '"ts":9.007199254740992e15'),
             "ts 9.007199254740992e15 (2^53, out of range)"),
            ("id_times_ten", entry_text(2).replace('"id":2', '"id":2e1'),
             "id 2e1 (20) under the key of id 2"),
            ("id_negative_exponent", entry_text(2).replace('"id":2', '"id":-2e0'),
             "id -2e0 under the key of id 2"),
            ("kind_true", entry_text(2, kind=True), "kind true (Number(true) is 1)"),
            ("kind_leading_zero", entry_text(2).replace('"kind":1', '"kind":01'),
             "kind 01 (not JSON)"),
            ("ts_true", entry_text(2, ts=True), "ts true")):
        kv = entries([1, 3], "3", {lk(2): text.encode()})
        C.migrate(f"malformed_{name}", canon_v1(kv), f"entry 2 with {what}: malformed, it "
                  "stays in the map and id 2 becomes a gap event", ACCEPT, ACCEPT,
                  ["M-4", "M-7"], base=0, n_events=3, kv_keys=keys_agent | {lk(2)}, gaps=1)
    kv = entries([1], "12", {lk(12): entry_text(12).replace('"id":12', '"id":1.2').encode()})
    C.migrate("malformed_id_fraction_digits", canon_v1(kv), "entry 12 with id 1.2: its digits "
              "are those of 12, its value is not", ACCEPT, ACCEPT, ["M-4", "M-7"], base=0,
              n_events=12, kv_keys=keys_agent | {lk(12)}, gaps=11)


def _migration_ids(C):
    keys_agent = set(AGENT)
    kv = entries([1, 3], "3", {lk(12): entry_text(12).replace('"id":12', '"id":1').encode()})
    C.migrate("malformed_id_prefix_of_key", canon_v1(kv), "entry under the key of id 12 with "
              "id 1 (a prefix of its digits): malformed, it stays", ACCEPT, ACCEPT,
              ["M-4", "M-7"], base=0, n_events=3, kv_keys=keys_agent | {lk(12)}, gaps=1)
    for name, big, what in (("id_2p64", 2**64, "2^64"),
                            ("id_2p64_plus_5", 2**64 + 5, "2^64+5 (5 modulo 2^64)")):
        kv = {**AGENT, "core/log/%d" % big: entry_text(big, ts=1).encode()}
        C.migrate(name, canon_v1(kv), f"one well-formed entry with id {what} (key and id "
                  "agree): not representable, refused", "M-8", "M-8", ["M-3", "M-8"])


def _migration_index_order(C):
    """A v1 index need not list the log entries in id order; the events are in id order."""
    from .v1 import log_value
    keys_agent = set(AGENT)
    for name, ids, what in (("log_index_order_3_1_2", [3, 1, 2], "ids 3, 1, 2"),
                            ("log_index_order_2p31", [2**31, 2**31 - 1],
                             "ids 2^31 then 2^31-1 (in 32-bit signed ints, 2^31 is negative)")):
        b = B.V1()
        for k, v in AGENT.items():
            b.chunk(v, key=k)
        for i in ids:
            b.chunk(log_value(i), key=lk(i))
        b.index()
        lo = min(ids)
        C.migrate(name, b.build(), f"a v1 index listing the log entries {what}: the events "
                  "follow id order", ACCEPT, ACCEPT, ["M-5", "M-6"], base=lo - 1,
                  n_events=len(ids), kv_keys=keys_agent, gaps=0)


def _write_order(C):
    """More than 16 integer-like keys: their canonical order (numeric) differs from the
    dump's (bytes) across a whole run of a merge sort."""
    from .dumptext import dump_text
    keys = sorted((str(i) for i in range(20)), key=lambda k: k.encode())
    C.write("integer_keys_0_to_19", dump_text([(k, k.encode()) for k in keys], [], 0, 0),
            "keys 0..19: written in numeric order 0, 1, 2, .., 19 (W-CAN-1), not in the "
            "dump's byte order 0, 1, 10, 11, ..", ACCEPT, ["W-CAN-1"])


def _migration_seq(C):
    """meta/log_entry_seq defines S only when it is exactly a `uint` of 4.1 (M-6)."""
    keys_agent = set(AGENT)
    for name, seq, what in (("seq_trailing_space", "3 ", '"3 " (Number("3 ") is 3)'),
                            ("seq_leading_space", " 3", '" 3"'),
                            ("seq_leading_zero", "03", '"03"'),
                            ("seq_2p53", "9007199254740992", "2^53")):
        C.migrate(name, canon_v1(entries([1, 2], seq)), f"entries 1, 2 and meta/log_entry_seq "
                  f"{what}: not a uint of at most 2^53-1, so no S: two events and the key stays",
                  ACCEPT, ACCEPT, ["M-6", "M-7"], base=0, n_events=2,
                  kv_keys=keys_agent | {"meta/log_entry_seq"}, gaps=0)


def _index_values(C):
    """Entry values whose sums or fields only fit 64 bits, and member names that only start
    like offset and length."""
    big = 2**32 + 128
    C.read("offset_2p32_plus_128", index_file('{"a":{"offset":%d,"length":5}}' % big),
           f"offset 2^32+128 ({big}): its low 32 bits are the offset of a real chunk",
           ("R-CHK-1", "R-CHK-2"), "R-CHK-1")
    b = B.V2()
    b.chunk(b"hello", key="a", prefix=0x10005)
    b.section([])
    b.index()
    C.read("chunk_prefix_65541", b.build(), "the chunk of 'a' has length field 65541 (5 in "
           "its low 16 bits); the index says 5", "R-CHK-3", ACCEPT, kv={"a": b"hello"})
    for name, extra in (("lengths", '"lengths":0'), ("offsets", '"offsets":0'),
                        ("length_prefix", '"len":0')):
        C.read(f"entry_member_{name}", index_file('{"a":{"offset":128,"length":5,%s}}' % extra),
               f"entry with an extra member {extra.split(':')[0]}: an unknown member, ignored "
               "in compat", "R-IDX-4", ACCEPT, ["R-IDX-9"], kv={"a": b"hello"})


def _writer_input(C):
    """Dumps that break D-1, D-3, D-4 or D-5: a writer parsing them leniently (a JSON library,
    numbers as doubles, hex in any case) writes what no reader's dump describes."""
    from .common import TS0, payload
    from .dumptext import dump_text
    evs = [B.ev(TS0, payload("a", {"n": 1}), kind=1, source=2)]
    base = dump_text([("a", b"hello")], evs, 0, 0)
    for name, old, new, rule, what in (
            ("kind_leading_zero", b'"kind":1,', b'"kind":01,', "D-3", "kind written 01"),
            ("kind_256", b'"kind":1,', b'"kind":256,', "D-3", "kind 256"),
            ("source_256", b'"source":2,', b'"source":256,', "D-3", "source 256"),
            ("flags_2p32", b'"flags":0,"evt_base_id"', b'"flags":4294967296,"evt_base_id"',
             "D-3", "header flags 2^32"),
            ("format_version_0", b'"format_version":2', b'"format_version":0', "D-3",
             "format_version 0"),
            ("format_version_3", b'"format_version":2', b'"format_version":3', "D-3",
             "format_version 3"),
            ("ts_2p64", b'"ts":"%d"' % TS0, b'"ts":"18446744073709551616"', "D-3",
             "ts 2^64 (does not fit 64 bits)"),
            ("ts_leading_zero", b'"ts":"%d"' % TS0, b'"ts":"0%d"' % TS0, "D-3",
             "ts with a leading zero"),
            ("value_hex_uppercase", b'"value_hex":"68656c6c6f"', b'"value_hex":"68656C6C6F"',
             "D-4", "value_hex in uppercase"),
            ("value_hex_odd", b'"value_hex":"68656c6c6f"', b'"value_hex":"68656c6c6"', "D-4",
             "value_hex with an odd number of digits"),
            ("key_raw_tab", b'{"key":"a"', b'{"key":"a\tb"', "D-5",
             "a raw tab inside the key string"),
            ("value_utf8_not_utf8", b'"value_utf8":"hello"', b'"value_utf8":"hell\xff"', "D-1",
             "a byte FF (the dump is not UTF-8)")):
        assert old in base, old
        text = base.replace(old, new.replace(b"\\t", b"\t").replace(b"\\xff", b"\xff"), 1)
        extra = ["W-EVT-2"] if name in ("kind_256", "source_256") else []
        C.write(name, text, f"a dump with {what}: not a conformance dump ({rule}), refused",
                rule, [rule] + extra)


def _json_structure(C):
    """JSON structure a hand-written parser gets wrong: a member without its colon, a
    container closed by the other bracket, a trailing comma inside a compat entry."""
    from .payload import one as one_payload
    for name, raw, what in (("payload_member_without_colon", b'{"a" 1}', 'a member without its '
                             "colon"),
                            ("payload_object_closed_by_bracket", b'{"a":1]', "an object closed "
                             "by ]"),
                            ("payload_array_closed_by_brace", b'{"a":[1}}', "an array closed "
                             "by }")):
        C.read(name, one_payload(raw), f"the payload is {raw.decode()!r}: {what}, not JSON",
               "R-PAY-2", ACCEPT, n_events=1)
    for name, text, what, strict in (
            ("entry_trailing_comma", '{"a":{"offset":128,"length":5,}}',
             "a trailing comma inside the entry (strict: also not the entry shape)",
             ("R-IDX-2", "R-IDX-4")),
            ("entry_member_without_colon", '{"a":{"offset" 128,"length":5}}',
             "an entry member without its colon (strict: also whitespace)",
             ("R-IDX-2", "R-IDX-3")),
            ("entry_closed_by_bracket", '{"a":{"offset":128,"length":5]}',
             "an entry closed by ]", "R-IDX-2")):
        C.read(name, index_file(text), f"index {text}: {what}, not JSON", strict, "R-IDX-2")


def cases():
    C = Cases("mutation")
    _u64_fields(C)
    _layout_edges(C)
    _event_count_wrap(C)
    _overlap_out_of_order(C)
    _overlap_in_prefix(C)
    _surrogates(C)
    _strict_keys(C)
    _escaped_keys(C)
    _migration_numbers(C)
    _migration_seq(C)
    _migration_ids(C)
    _write_order(C)
    _migration_index_order(C)
    _index_values(C)
    _writer_input(C)
    _json_structure(C)
    return C
