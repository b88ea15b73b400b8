"""Unit tests of tools/pyacepack with expectations computed by hand from spec/ACEPACK.md.

Run: python3 -m unittest discover -s tests/py
Expected bytes are written out in the tests (from the spec's tables and examples), never
produced by the code under test.
"""

import os
import struct
import subprocess
import sys
import unittest

TOOLS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools")
sys.path.insert(0, TOOLS)

from pyacepack import (Content, Event, Refused, Reject, Unsupported, build_v1, build_v2,  # noqa: E402
                       canonical_key_order, dump, js, json_string, migrate, parse_dump, read)
from pyacepack import jsjson  # noqa: E402
from pyacepack.migrate import log_key_id  # noqa: E402

CLI = os.path.join(TOOLS, "pyacepack", "acepack.py")

# Spec 8.3: the empty store, byte for byte.
EMPTY_V2 = bytes.fromhex(
    "41434550 41434b00 00000002 00000000"
    "00000000 00000088 00000000 00000002"
    "00000000 00000080 00000000 00000080"
    "00000000 00000008 00000000 00000000"
    + "00" * 64 +
    "00000000 00000000 7b7d".replace(" ", ""))


def u32(v):
    return struct.pack(">I", v)


def u64(v):
    return struct.pack(">Q", v)


def v2_file(chunks=b"", section=u32(0) + u32(0), index=b"{}", evt_count=0, base=0, flags=0,
            reserved=bytes(64), tail=b""):
    """A v2 file assembled field by field (spec 3.2), chunks starting at 128."""
    chunk_end = 128 + len(chunks)
    evt_off = chunk_end
    idx_off = evt_off + len(section)
    header = (b"ACEPACK\x00" + u32(2) + u32(flags) + u64(idx_off) + u64(len(index))
              + u64(chunk_end) + u64(evt_off) + u64(len(section)) + u32(evt_count) + u32(base)
              + reserved)
    assert len(header) == 128
    return header + chunks + section + index + tail


def v1_file(chunks=b"", index=b"{}", flags=0, reserved=bytes(32), tail=b""):
    idx_off = 64 + len(chunks)
    header = b"ACEPACK\x00" + u32(1) + u32(flags) + u64(idx_off) + u64(len(index)) + reserved
    return header + chunks + index + tail


def section(events):
    """An event section written from the table of 3.3.1 (events: (ts, kind, source, flags, payload))."""
    n = len(events)
    pad = (4 - n % 4) % 4
    out = u32(n) + b"".join(u64(e[0]) for e in events)
    out += bytes(e[1] for e in events) + bytes(e[2] for e in events) + bytes(e[3] for e in events)
    out += bytes(pad)
    off = 0
    offs = b""
    for e in events:
        offs += u32(off)
        off += len(e[4])
    out += offs + b"".join(u32(len(e[4])) for e in events) + u32(off)
    return out + b"".join(e[4] for e in events)


def patch(b, off, data):
    return b[:off] + data + b[off + len(data):]


class RejectCase(unittest.TestCase):
    def assertReject(self, data, rule, offset, profile="strict"):
        with self.assertRaises(Reject) as cm:
            read(data, profile)
        self.assertEqual((cm.exception.rule, cm.exception.offset), (rule, offset),
                         cm.exception.message)


# --------------------------------------------------------------------------- canonical form

class TestCanonical(unittest.TestCase):
    def test_empty_store_is_138_bytes_of_spec_8_3(self):
        self.assertEqual(len(EMPTY_V2), 138)
        self.assertEqual(build_v2(Content(2, 0, 0, {}, [])), EMPTY_V2)
        self.assertEqual(v2_file(), EMPTY_V2)

    def test_empty_store_dump_of_spec_11(self):
        self.assertEqual(dump(read(EMPTY_V2)),
                         b'{"format_version":2,"flags":0,"evt_base_id":"0","kv":[],"events":[]}\n')

    def test_pad_table_of_3_3_2(self):
        # pay_off starts at 18, 28, 38, 48, 62 for N = 1..5.
        for n, at in ((1, 18), (2, 28), (3, 38), (4, 48), (5, 62)):
            evs = [Event(i, 0, 0, 0, b"{}") for i in range(n)]
            b = build_v2(Content(2, 0, 0, {}, evs))
            sec = b[128:]
            self.assertEqual(sec[at:at + 4], u32(0))            # pay_off[0]
            self.assertEqual(sec[at + 4 * n:at + 4 * n + 4], u32(2))   # pay_len[0]
            self.assertEqual(len(sec) - 2, 8 + 19 * n + (4 - n % 4) % 4 + 2 * n)

    def test_key_order_w_can_1(self):
        keys = ["b", "4294967295", "42", "7", "-1", "01", "1.5", "4294967294", "a", "0", "é", "B"]
        self.assertEqual(canonical_key_order(keys),
                         ["0", "7", "42", "4294967294",
                          "-1", "01", "1.5", "4294967295", "B", "a", "b", "é"])

    def test_build_v2_small_file_by_hand(self):
        c = Content(2, 0, 9, {"b": b"xy", "7": b""}, [Event(1, 2, 3, 1, b'{"a":1}')])
        chunks = u32(0) + u32(2) + b"xy"                # "7" at 128, "b" at 132
        sec = section([(1, 2, 3, 1, b'{"a":1}')])
        index = b'{"7":{"offset":128,"length":0},"b":{"offset":132,"length":2}}'
        expect = v2_file(chunks, sec, index, evt_count=1, base=9)
        self.assertEqual(build_v2(c), expect)
        self.assertEqual(read(expect), c)

    def test_build_v1_by_hand(self):
        expect = v1_file(u32(1) + b"Z" + u32(0), b'{"10":{"offset":64,"length":1},"a":{"offset":69,"length":0}}')
        self.assertEqual(build_v1({"a": b"", "10": b"Z"}), expect)

    def test_writer_refuses_unwritable_content(self):
        for ev in (Event(2 ** 53, 0, 0, 0, b"{}"), Event(0, 256, 0, 0, b"{}"),
                   Event(0, 0, 0, 0, b"[]"), Event(0, 0, 0, 0, b"\xff")):
            with self.assertRaises(ValueError):
                build_v2(Content(2, 0, 0, {}, [ev]))
        with self.assertRaises(ValueError):
            build_v2(Content(2, 0, 0, {"\ud800": b""}, []))
        with self.assertRaises(ValueError):
            build_v2(Content(2, 0x10000, 0, {}, []))


class TestJsonString(unittest.TestCase):
    def test_escaping_of_4_1(self):
        cases = {
            '"': '"\\""', "\\": '"\\\\"', "\b\f\n\r\t": '"\\b\\f\\n\\r\\t"',
            "\x00": '"\\u0000"', "\x1f": '"\\u001f"', "\x0b": '"\\u000b"',
            "\x7f": '"\x7f"', "\u2028\u2029": '"\u2028\u2029"', "é😀": '"é😀"', "/": '"/"',
        }
        for s, want in cases.items():
            self.assertEqual(json_string(s), want)

    def test_lone_surrogate_has_no_string_form(self):
        with self.assertRaises(ValueError):
            json_string("a\udc00")


class TestWorkedExample(unittest.TestCase):
    """Appendix B, byte for byte."""
    FILE = bytes.fromhex(
        "41434550 41434b00 00000002 00000000"
        "00000000 000000b3 00000000 0000003e"
        "00000000 0000008a 00000000 0000008a"
        "00000000 00000029 00000001 00000000".replace(" ", "")
        + "00" * 64 + "0000000178" + "0000000179" + "00000001" + "0000018bcfe56800" + "010200"
        + "000000" + "00000000" + "0000000b" + "0000000b") + b'{"key":"k"}' + \
        b'{"42":{"offset":128,"length":1},"a":{"offset":133,"length":1}}'
    DUMP = (b'{"format_version":2,"flags":0,"evt_base_id":"0","kv":[\n'
            b'{"key":"42","value_hex":"78","value_utf8":"x"},\n'
            b'{"key":"a","value_hex":"79","value_utf8":"y"}\n'
            b'],"events":[\n'
            b'{"id":"1","ts":"1700000000000","kind":1,"source":2,"flags":0,'
            b'"payload_hex":"7b226b6579223a226b227d","payload_utf8":"{\\"key\\":\\"k\\"}"}\n'
            b']}\n')

    def test_appendix_b(self):
        self.assertEqual(len(self.FILE), 241)
        c = Content(2, 0, 0, {"42": b"x", "a": b"y"}, [Event(1700000000000, 1, 2, 0, b'{"key":"k"}')])
        self.assertEqual(build_v2(c), self.FILE)
        self.assertEqual(dump(read(self.FILE)), self.DUMP)
        self.assertEqual(dump(read(self.FILE, "compat")), self.DUMP)
        self.assertEqual(build_v2(parse_dump(self.DUMP)), self.FILE)


# --------------------------------------------------------------------------- dump

class TestDump(unittest.TestCase):
    def test_dump_layout_d_1_to_d_6(self):
        c = Content(2, 0, 4, {"b": b"\xff", "a\n": b"x"}, [Event(7, 1, 2, 3, b'{"k":"\\u00e9"}'),
                                                           Event(0, 0, 0, 0, b"\x00")])
        want = ('{"format_version":2,"flags":0,"evt_base_id":"4","kv":[\n'
                '{"key":"a\\n","value_hex":"78","value_utf8":"x"},\n'
                '{"key":"b","value_hex":"ff"}\n'
                '],"events":[\n'
                '{"id":"5","ts":"7","kind":1,"source":2,"flags":3,"payload_hex":"7b226b223a225c7530306539227d",'
                '"payload_utf8":"{\\"k\\":\\"\\\\u00e9\\"}"},\n'
                '{"id":"6","ts":"0","kind":0,"source":0,"flags":0,"payload_hex":"00","payload_utf8":"\\u0000"}\n'
                ']}\n').encode()
        self.assertEqual(dump(c), want)
        self.assertEqual(parse_dump(want), c)

    def test_dump_v1_d_7(self):
        b = v1_file(u32(2) + b"{}", b'{"core/log/000000000001":{"offset":64,"length":2}}')
        self.assertEqual(dump(read(b)), (
            b'{"format_version":1,"flags":0,"evt_base_id":"0","kv":[\n'
            b'{"key":"core/log/000000000001","value_hex":"7b7d","value_utf8":"{}"}\n'
            b'],"events":[]}\n'))

    def test_parse_dump_refuses_other_spellings(self):
        # Spec 1.0.1 W-CAN-4: a writer's input is exactly the bytes of section 11.
        text = b' { "events" : [ ] , "kv" : [ {"value_hex":"","key":"k","value_utf8":""} ],' \
               b' "evt_base_id":"0", "flags":0, "format_version":2 } '
        good = (b'{"format_version":2,"flags":0,"evt_base_id":"0","kv":[\n'
                b'{"key":"a","value_hex":"2f","value_utf8":"/"},\n'
                b'{"key":"b","value_hex":"09","value_utf8":"\\t"}\n],"events":[]}\n')
        self.assertEqual(parse_dump(good), Content(2, 0, 0, {"a": b"/", "b": b"\t"}, []))
        for b, rule in [(text, "D-1"), (good + b"\n", "D-1"),
                        (good.replace(b'"/"', b'"\\/"'), "D-5"),
                        (good.replace(b'"\\t"', b'"\\u0009"'), "D-5"),
                        (good.replace(b'"key":"a"', b'"key":"c"'), "D-6"),
                        (good.replace(b'"key":"b"', b'"key":"a"'), "W-IDX-2")]:
            with self.assertRaises(Refused, msg=b) as cm:
                parse_dump(b)
            self.assertEqual(cm.exception.rule, rule, b)

    def test_parse_dump_rejects_bad_dumps(self):
        good = b'{"format_version":2,"flags":0,"evt_base_id":"0","kv":[],"events":[\n' \
               b'{"id":"1","ts":"0","kind":0,"source":0,"flags":0,"payload_hex":"7b7d","payload_utf8":"{}"}\n]}\n'
        parse_dump(good)
        bad = [
            good.replace(b'"id":"1"', b'"id":"2"'),                  # id is not base + 1
            good.replace(b',"payload_utf8":"{}"', b""),              # utf8 missing for UTF-8 bytes
            good.replace(b'"7b7d"', b'"7B7D"'),                      # uppercase hex
            good.replace(b'"kind":0', b'"kind":256'),
            good.replace(b'"kind":0', b'"kind":0.0'),
            good.replace(b'"ts":"0"', b'"ts":"01"'),
            good.replace(b'"payload_utf8":"{}"', b'"payload_utf8":"{ }"'),
            good.replace(b'"format_version":2', b'"format_version":3'),
            good[:-3],
            b'{"format_version":1,"flags":0,"evt_base_id":"1","kv":[],"events":[]}\n',
            b'{"format_version":2,"flags":0,"evt_base_id":"0","kv":[],"events":[],"x":1}\n',
        ]
        for b in bad:
            with self.assertRaises(ValueError, msg=b):
                parse_dump(b)


# --------------------------------------------------------------------------- reader: header/layout

class TestHeaderAndLayout(RejectCase):
    def test_header_rules(self):
        self.assertReject(EMPTY_V2[:63], "R-HDR-1", 63)
        self.assertReject(patch(EMPTY_V2, 7, b"\x01"), "R-HDR-2", 0)
        for v in (0, 3, 0xFFFFFFFF):
            self.assertReject(patch(EMPTY_V2, 8, u32(v)), "R-HDR-3", 8, "compat")
        self.assertReject(patch(EMPTY_V2, 12, u32(0x00020000)), "R-HDR-4", 12, "compat")
        self.assertReject(EMPTY_V2[:100], "R-HDR-5", 100, "compat")

    def test_compatible_flag_and_reserved_bytes(self):
        # Spec 7.2: reported at the first non-zero reserved byte.
        self.assertReject(patch(EMPTY_V2, 127, b"\x01"), "R-HDR-6", 127)
        self.assertReject(patch(patch(EMPTY_V2, 127, b"\x01"), 100, b"\x80"), "R-HDR-6", 100)
        self.assertEqual(read(patch(EMPTY_V2, 127, b"\x01"), "compat").kv, {})
        # A compatible bit no version defines (bit 0 is `checksums` from 1.1.0): reserved bytes
        # are not checked and the flags are content.
        c = read(patch(patch(EMPTY_V2, 12, u32(2)), 100, b"\x07"))
        self.assertEqual(c.flags, 2)

    def test_checksums(self):
        # Spec 3.8: CRC32C check value, and a signed file built by build_v2(checksums=True).
        from pyacepack.crc32c import crc32c
        self.assertEqual(crc32c(b"123456789"), 0xE3069283)
        self.assertEqual(crc32c(b"56789", crc32c(b"1234")), 0xE3069283)
        self.assertEqual(crc32c(bytes(32)), 0x8A9136AA)   # RFC 3720 B.4
        signed = build_v2(read(EMPTY_V2), checksums=True)
        self.assertEqual(signed[12:16], u32(1))
        self.assertEqual(signed[68:72], u32(0))           # the empty chunk region
        self.assertEqual(len(signed), len(EMPTY_V2))
        self.assertEqual(read(signed).flags, 1)
        self.assertReject(patch(signed, 60, u32(1)), "R-CRC-1", 64)
        self.assertReject(patch(signed, 12, u32(1 | 2)), "R-CRC-1", 64)
        self.assertEqual(read(patch(signed, 60, u32(1)), "compat").evt_base_id, 1)
        self.assertReject(patch(signed, 137, b"]"), "R-CRC-4", 136)
        # Without the bit the same builder writes the canonical file.
        self.assertEqual(build_v2(read(signed)), EMPTY_V2)

    def test_layout_rules(self):
        self.assertReject(patch(EMPTY_V2, 24, u64(3)), "R-LAY-1", 16, "compat")
        self.assertReject(patch(EMPTY_V2, 16, u64(2 ** 64 - 1)), "R-LAY-1", 16, "compat")
        self.assertReject(patch(EMPTY_V2, 48, u64(11)), "R-LAY-2", 40, "compat")
        # kv_chunk_end 127 < 128 (evt_offset too, so that R-LAY-4 holds).
        b = patch(patch(EMPTY_V2, 32, u64(127)), 40, u64(127))
        self.assertReject(b, "R-LAY-3", 32)
        self.assertReject(patch(EMPTY_V2, 32, u64(129)), "R-LAY-4", 40)
        tail = v2_file(tail=b"garbage")
        self.assertEqual(read(tail).kv, {})                       # a tail is allowed
        gap = patch(patch(v2_file(index=b"x{}"), 16, u64(137)), 24, u64(2))
        self.assertReject(gap, "R-LAY-5", 16)
        self.assertEqual(read(gap, "compat").kv, {})


# --------------------------------------------------------------------------- reader: events

class TestEvents(RejectCase):
    def test_section_rules(self):
        one = section([(5, 1, 2, 0, b"{}")])
        good = v2_file(section=one, evt_count=1)
        c = read(good)
        self.assertEqual(c.events, [Event(5, 1, 2, 0, b"{}")])
        self.assertEqual(dump(c).splitlines()[1], b'{"id":"1","ts":"5","kind":1,"source":2,"flags":0,'
                                                  b'"payload_hex":"7b7d","payload_utf8":"{}"}')
        # R-EVT-1: evt_length 4 (the index moves to 132).
        short = v2_file(section=u32(0))
        self.assertReject(short, "R-EVT-1", 48)
        self.assertEqual(read(short, "compat").events, [])        # R-EVT-2
        # R-EVT-3: count 1000 in an 8-byte section.
        self.assertReject(v2_file(section=u32(1000) + u32(0)), "R-EVT-3", 128, "compat")
        # R-EVT-2: count 0 but junk after it is no event in compat, R-EVT-4 in strict.
        junk = v2_file(section=u32(0) + u32(0) + b"zz")
        self.assertReject(junk, "R-EVT-4", 128)   # 7.2: the section start
        self.assertEqual(read(junk, "compat").events, [])
        # R-EVT-5: pad byte (N = 1 pad at 4 + 11 = 15, 3 bytes); 7.2: the first non-zero one.
        self.assertReject(v2_file(section=patch(one, 15, b"\x01"), evt_count=1), "R-EVT-5", 128 + 15)
        self.assertReject(v2_file(section=patch(one, 17, b"\x01"), evt_count=1), "R-EVT-5", 128 + 17)
        # R-EVT-8: ts = 2^53.
        big = v2_file(section=section([(2 ** 53, 0, 0, 0, b"{}")]), evt_count=1)
        self.assertReject(big, "R-EVT-8", 132)
        self.assertEqual(read(big, "compat").events[0].ts, 2 ** 53)
        # R-EVT-9: header evt_count 0 for one event.
        self.assertReject(v2_file(section=one, evt_count=0), "R-EVT-9", 56)

    def test_pool_rules(self):
        two = section([(1, 0, 0, 0, b"{}"), (2, 0, 0, 0, b"{ }")])
        # N = 2: pay_off at 28, pay_len at 36, pool_length at 44, pool at 48.
        self.assertEqual(two[28:48], u32(0) + u32(2) + u32(2) + u32(3) + u32(5))
        swapped = patch(patch(two, 28, u32(3) + u32(0)), 36, u32(2) + u32(3))
        swapped = swapped[:48] + b"{ }{}"   # event 0 at pool offset 3, event 1 at 0
        f = v2_file(section=swapped, evt_count=2)
        self.assertReject(f, "R-EVT-6", 128 + 28)
        self.assertEqual([e.payload for e in read(f, "compat").events], [b"{}", b"{ }"])
        # R-EVT-7: pay_len[1] 4 runs past the section (pool_length kept).
        over = patch(two, 40, u32(4))
        self.assertReject(v2_file(section=over, evt_count=2), "R-EVT-7", 128 + 32, "compat")
        # compat: overlapping payloads are fine.
        overlap = patch(patch(two, 32, u32(0)), 40, u32(2))
        self.assertEqual([e.payload for e in read(v2_file(section=overlap, evt_count=2), "compat").events],
                         [b"{}", b"{}"])

    def test_payload_rules(self):
        def one(p):
            return v2_file(section=section([(0, 0, 0, 0, p)]), evt_count=1)
        # Spec 7.2: every R-PAY-* rejection is reported at the payload's first byte (here the
        # pool start); the message names the byte where the problem lies.
        pool = 128 + 8 + 19 + 3   # N = 1: P = 8 + 19N + pad
        self.assertReject(one(b'{"a":"\xc0\x80"}'), "R-PAY-1", pool)       # overlong
        self.assertReject(one(b'{"a":"\xed\xa0\x80"}'), "R-PAY-1", pool)   # surrogate
        self.assertReject(one(b'{"a":"\xf4\x90\x80\x80"}'), "R-PAY-1", pool)  # > U+10FFFF
        self.assertReject(one(b'{"a":"\xe2\x82"}'), "R-PAY-1", pool)       # truncated
        self.assertReject(one(b"[1]"), "R-PAY-2", pool)
        self.assertReject(one(b'{"a":NaN}'), "R-PAY-2", pool)
        with self.assertRaises(Reject) as cm:
            read(one(b'{"a":1,}'))
        self.assertEqual((cm.exception.rule, cm.exception.offset), ("R-PAY-2", pool))
        self.assertIn(f"at byte {pool + 7}", cm.exception.message)
        self.assertReject(one(b""), "R-PAY-2", pool)
        self.assertReject(one(b"\xef\xbb\xbf{}"), "R-PAY-2", pool)
        ok = [b' {"a" : [1.5e-3, -0, true, null, "\\ud800", "\\uDBFF\\uDC00"], "a": {}}\n ',
              b'{"x":' + b"[" * 511 + b"]" * 511 + b"}"]
        for p in ok:
            self.assertEqual(read(one(p)).events[0].payload, p)
        deep = b'{"x":' + b"[" * 512 + b"]" * 512 + b"}"
        self.assertReject(one(deep), "R-PAY-3", pool)   # the 513th level is at pool + 5 + 511
        self.assertEqual(read(one(deep), "compat").events[0].payload, deep)


# --------------------------------------------------------------------------- reader: index/chunks

def with_index(idx, chunks=b""):
    return v2_file(chunks=chunks, index=idx)


class TestIndex(RejectCase):
    def test_strict_grammar(self):
        chunk = u32(3) + b"abc"
        good = with_index(b'{"k":{"offset":128,"length":3}}', chunk)
        self.assertEqual(read(good).kv, {"k": b"abc"})
        at = 128 + 7 + 8   # index offset
        cases = [
            (b'{"k":{"offset":128,"length":3}', "R-IDX-2", at + 30),
            (b'{"k":{"offset":128,"length":3}}\xff', "R-IDX-1", at + 31),
            (b' {"k":{"offset":128,"length":3}}', "R-IDX-3", at),
            (b'\xef\xbb\xbf{"k":{"offset":128,"length":3}}', "R-IDX-3", at),
            (b'{"k": {"offset":128,"length":3}}', "R-IDX-3", at + 5),
            # 7.2: R-IDX-4 is reported at the member (its key's opening quote).
            (b'{"k":{"length":3,"offset":128}}', "R-IDX-4", at + 1),
            (b'{"k":{"offset":128,"length":3,"x":0}}', "R-IDX-4", at + 1),
            (b'{"k":{"\\u006ffset":128,"length":3}}', "R-IDX-4", at + 1),
            (b'{"k":[128,3]}', "R-IDX-4", at + 1),
            (b'{"k":{"offset":128.0,"length":3}}', "R-IDX-5", at + 15),
            (b'{"k":{"offset":128,"length":3e0}}', "R-IDX-5", at + 28),
            (b'{"k":{"offset":9007199254740992,"length":3}}', "R-IDX-5", at + 15),
            (b'{"\\u006b":{"offset":128,"length":3}}', "R-IDX-6", at + 1),
            (b'{"\\/":{"offset":128,"length":3}}', "R-IDX-6", at + 1),
            (b'{"\\u001F":{"offset":128,"length":3}}', "R-IDX-6", at + 1),
            (b'{"\\u000a":{"offset":128,"length":3}}', "R-IDX-6", at + 1),
            (b'{"\\ud800":{"offset":128,"length":3}}', "R-IDX-6", at + 1),
            (b'{"k":{"offset":128,"length":3},"k":{"offset":128,"length":3}}', "R-IDX-7", at + 31),
        ]
        for idx, rule, off in cases:
            self.assertReject(with_index(idx, chunk), rule, off)
        # every one of them is readable in compat except the JSON/UTF-8 failures
        for idx, rule, off in cases:
            if rule in ("R-IDX-1", "R-IDX-2"):
                self.assertReject(with_index(idx, chunk), rule, off, "compat")

    def test_strict_accepts_required_escapes(self):
        key = '\x00\x08\t\n\x0c\r\x1f"\\\x7f\u2028é😀'
        idx = ('{' + json_string(key) + ':{"offset":128,"length":0}}').encode()
        self.assertIn(b'"\\u0000\\b\\t\\n\\f\\r\\u001f\\"\\\\\x7f', idx)
        self.assertEqual(read(with_index(idx, u32(0))).kv, {key: b""})

    def test_compat_numbers_r_idx_10(self):
        chunk = u32(0)
        at = 128 + 4 + 8
        for lex in (b"128", b"128.0", b"1.28e2", b"12800e-2", b"1280E-1", b"0.128e+3"):
            idx = b'{"k":{"offset":' + lex + b',"length":0}}'
            self.assertEqual(read(with_index(idx, chunk), "compat").kv, {"k": b""}, lex)
        for lex in (b"-0", b"0.0e99999999999999999999999", b"-0.0"):
            idx = b'{"k":{"offset":128,"length":' + lex + b'}}'
            self.assertEqual(read(with_index(idx, chunk), "compat").kv, {"k": b""}, lex)
        for lex in (b"1.5", b"-1", b"1e400", b"9007199254740992", b"128.00000000000000000001",
                    b"1e-400"):
            idx = b'{"k":{"offset":' + lex + b',"length":0}}'
            self.assertReject(with_index(idx, chunk), "R-IDX-10", at + 15, "compat")

    def test_compat_meaning(self):
        chunks = u32(1) + b"A" + u32(1) + b"B"
        idx = ('\ufeff { "k" : {"length":1,"offset":"x","offset":128,"extra":[{"\\u00e9":null}]} ,\n'
               '"\\u006B\\/\\ud83d\\ude00":{"offset":133,"length":1},'
               '"d":{"offset":1,"length":1},"d":{"offset":133,"length":1}}').encode()
        c = read(with_index(idx, chunks), "compat")
        self.assertEqual(c.kv, {"k": b"A", "k/😀": b"B", "d": b"B"})
        at = 128 + 10 + 8
        bad = [(b'{"k":5}', "R-IDX-9", at + 1),   # 7.2: the member (its key)
               (b'{"k":{"offset":128}}', "R-IDX-9", at + 1),
               (b'{"k":{"offset":128,"length":"1"}}', "R-IDX-9", at + 1),
               (b'{"\\ud800":{"offset":128,"length":1}}', "R-IDX-11", at + 1),
               (b'{"\\udc00\\ud800":{"offset":128,"length":1}}', "R-IDX-11", at + 1),
               (b'{"k":{"offset":128,"length":1,"\\ud800x":1}}', "R-IDX-11", at + 30)]
        for idx, rule, off in bad:
            self.assertReject(with_index(idx, chunks), rule, off, "compat")
        # A lone surrogate in a string *value* is not a name: accepted.
        ok = b'{"k":{"offset":128,"length":1,"x":"\\ud800"}}'
        self.assertEqual(read(with_index(ok, chunks), "compat").kv, {"k": b"A"})
        # R-IDX-12: the last occurrence wins, but an earlier one must be a valid entry too
        # (spec 1.4, exception 5).
        dup = b'{"k":{"offset":133,"length":1},"k":{"offset":128,"length":1}}'
        self.assertEqual(read(with_index(dup, chunks), "compat").kv, {"k": b"A"})
        self.assertReject(with_index(b'{"k":5,"k":{"offset":128,"length":1}}', chunks),
                          "R-IDX-9", at + 1, "compat")
        # __proto__ and integer-like keys are ordinary keys
        proto = b'{"__proto__":{"offset":128,"length":1},"42":{"offset":133,"length":1}}'
        self.assertEqual(read(with_index(proto, chunks)).kv, {"__proto__": b"A", "42": b"B"})

    def test_index_depth_limit(self):
        deep = b'{"k":' + b"[" * 511 + b"]" * 511 + b"}"
        self.assertReject(with_index(deep), "R-IDX-4", 128 + 8 + 1)
        self.assertReject(with_index(deep), "R-IDX-9", 128 + 8 + 1, "compat")
        deeper = b'{"k":' + b"[" * 512 + b"]" * 512 + b"}"
        self.assertReject(with_index(deeper), "R-IDX-2", 128 + 8 + 5 + 511, "compat")

    def test_chunk_rules(self):
        chunks = u32(3) + b"abc" + u32(1) + b"d"     # 128..135, 135..140
        at = 128 + 12 + 8                            # the index follows the 8-byte section
        self.assertEqual(read(with_index(b'{"a":{"offset":128,"length":3},"b":{"offset":135,"length":1}}',
                                         chunks)).kv, {"a": b"abc", "b": b"d"})
        # R-CHK-1: past the end of the file.
        self.assertReject(with_index(b'{"a":{"offset":200,"length":3}}', chunks), "R-CHK-1", at + 1, "compat")
        self.assertReject(with_index(b'{"a":{"offset":128,"length":99999}}', chunks), "R-CHK-1", at + 1, "compat")
        # R-CHK-2: a value inside the event section (within the file).
        f = with_index(b'{"a":{"offset":140,"length":0}}', chunks)
        self.assertReject(f, "R-CHK-2", at + 1)
        self.assertEqual(read(f, "compat").kv, {"a": b""})
        self.assertReject(with_index(b'{"a":{"offset":64,"length":3}}', chunks), "R-CHK-2", at + 1)
        # R-CHK-3: length field 3, index length 2.
        f = with_index(b'{"a":{"offset":128,"length":2}}', chunks)
        self.assertReject(f, "R-CHK-3", at + 1)
        self.assertEqual(read(f, "compat").kv, {"a": b"ab"})
        # R-CHK-4: two keys, one chunk.
        f = with_index(b'{"a":{"offset":128,"length":3},"b":{"offset":128,"length":3}}', chunks)
        self.assertReject(f, "R-CHK-4", at + 31)
        self.assertEqual(read(f, "compat").kv, {"a": b"abc", "b": b"abc"})
        # 7.2: the member whose chunk starts later, even when it comes first in the index.
        # "b" (listed first) is the empty chunk [132, 136) inside "a"'s chunk [128, 137).
        inner = u32(5) + u32(0) + b"\x00"
        f = with_index(b'{"b":{"offset":132,"length":0},"a":{"offset":128,"length":5}}', inner)
        self.assertReject(f, "R-CHK-4", 128 + 9 + 8 + 1)


# --------------------------------------------------------------------------- v1

class TestV1(RejectCase):
    def test_v1_rules(self):
        good = v1_file(u32(1) + b"x", b'{"a":{"offset":64,"length":1}}')
        self.assertEqual(read(good), Content(1, 0, 0, {"a": b"x"}, []))
        self.assertReject(patch(good, 40, b"\x01"), "R-V1-1", 40)   # 7.2: first non-zero byte
        self.assertEqual(read(patch(good, 40, b"\x01"), "compat").kv, {"a": b"x"})
        # index_offset 0: the "index" is the bytes "AC" of the magic.
        f = patch(v1_file(b"", b"{}"), 16, u64(0))
        self.assertReject(f, "R-V1-2", 16)
        self.assertReject(f, "R-IDX-2", 0, "compat")
        self.assertReject(patch(good, 24, u64(1000)), "R-LAY-1", 16, "compat")
        f = v1_file(u32(1) + b"x", b'{"a":{"offset":64,"length":1}}', tail=b"tail")
        self.assertEqual(read(f).kv, {"a": b"x"})
        # R-CHK-2 with E = index_offset: a value read from the index itself.
        f = v1_file(u32(1) + b"x", b'{"a":{"offset":65,"length":1}}')
        self.assertReject(f, "R-CHK-2", 70)


# --------------------------------------------------------------------------- migration

def log_value(id_, ts=5, kind=1, source=2, extra=""):
    return ('{"kind":%d,"content_source":%d%s,"id":%d,"ts":%d}' % (kind, source, extra, id_, ts)).encode()


class TestMigrate(unittest.TestCase):
    def test_gap_malformed_and_seq_by_hand(self):
        e2 = log_value(2)
        bad = b'{"kind":1,"content_source":2,"id":3}'        # no ts: malformed
        kv = {"core/log/000000000002": e2, "core/log/000000000003": bad,
              "meta/log_entry_seq": b"4", "x": b"y", "core/log/__seq": b"9"}
        out, report = migrate(build_v1(kv))
        gap = b'{"acepack":"gap"}'
        # Hand-computed: evt_base_id 1; events id 2 (entry), 3 (gap: id 3 is malformed), 4 (gap, S = 4).
        # KV keeps the malformed entry, core/log/__seq and x, in W-CAN-1 order (bytewise).
        chunks = u32(len(bad)) + bad + u32(1) + b"9" + u32(1) + b"y"
        o_bad, o_seq, o_x = 128, 132 + len(bad), 132 + len(bad) + 5
        index = ('{"core/log/000000000003":{"offset":%d,"length":%d},'
                 '"core/log/__seq":{"offset":%d,"length":1},'
                 '"x":{"offset":%d,"length":1}}' % (o_bad, len(bad), o_seq, o_x)).encode()
        sec = section([(5, 1, 2, 0, e2), (0, 0, 0, 1, gap), (0, 0, 0, 1, gap)])
        self.assertEqual(out, v2_file(chunks, sec, index, evt_count=3, base=1))
        self.assertEqual(report["events_from_entries"], 1)
        self.assertEqual(report["gap_events"], 2)
        self.assertEqual(report["malformed_entries"], ["core/log/000000000003"])
        self.assertTrue(report["log_entry_seq_consumed"])

    def test_well_formedness_m_4(self):
        ok = [log_value(1), log_value(1, extra=',"flags":null'), log_value(1, extra=',"flags":255'),
              b'{"\\u0069d":1.0e0,"ts":0,"kind":0,"content_source":255,"key":{"id":7}}',
              b' {"id":1,"ts":9007199254740991,"kind":1,"content_source":1,"x":"\\ud800"} ']
        bad = [log_value(2), log_value(1, extra=',"flags":256'), log_value(1, extra=',"flags":"1"'),
               log_value(1, extra=',"id":1'), log_value(1, ts=2 ** 53), b'{"id":1,"ts":1,"kind":1}',
               b'{"id":"1","ts":1,"kind":1,"content_source":1}', b"[]", b"\xff",
               b'{"id":1,"ts":1.5,"kind":1,"content_source":1}',
               b'{"id":1,"ts":-0,"kind":-1,"content_source":1}']
        for v in ok:
            out, rep = migrate(build_v1({"core/log/000000000001": v}))
            self.assertEqual(rep["events_from_entries"], 1, v)
            self.assertEqual(read(out).events[0].payload, v)
        for v in bad:
            out, rep = migrate(build_v1({"core/log/000000000001": v}))
            self.assertEqual(rep["malformed_entries"], ["core/log/000000000001"], v)
            self.assertEqual(read(out).kv, {"core/log/000000000001": v})

    def test_log_keys_m_3(self):
        v = log_value(7)
        for key in ("core/log/7", "core/log/0000000000007", "core/log/00000000000x", "core/log/000000000000"):
            out, rep = migrate(build_v1({key: v}))
            self.assertEqual(rep["events_from_entries"], 0, key)
            self.assertEqual(read(out).kv, {key: v})
        # 13 digits: no padding, still a log key (its id needs evt_base_id > 2^32-1: refused).
        self.assertEqual(log_key_id("core/log/1234567890123"), "1234567890123")
        self.assertIsNone(log_key_id("core/log/01234567890123"))
        with self.assertRaises(Reject):
            migrate(build_v1({"core/log/1234567890123": log_value(1234567890123)}))

    def test_no_entries_seq_becomes_base(self):
        out, rep = migrate(build_v1({"meta/log_entry_seq": b"41"}))
        self.assertEqual(read(out), Content(2, 0, 41, {}, []))
        out, rep = migrate(build_v1({"meta/log_entry_seq": b"041"}))
        self.assertEqual(read(out), Content(2, 0, 0, {"meta/log_entry_seq": b"041"}, []))
        # S smaller than an entry id: not consumed
        out, rep = migrate(build_v1({"meta/log_entry_seq": b"1", "core/log/000000000002": log_value(2)}))
        self.assertEqual(read(out).evt_base_id, 1)
        self.assertEqual(read(out).kv, {"meta/log_entry_seq": b"1"})

    def test_limits_m_8(self):
        kv = {"core/log/000000000001": log_value(1), "meta/log_entry_seq": b"1048578"}
        with self.assertRaises(Unsupported):
            migrate(build_v1(kv))
        kv["meta/log_entry_seq"] = b"1048577"        # exactly 1,048,576 gap events: allowed
        out, rep = migrate(build_v1(kv))
        self.assertEqual(rep["gap_events"], 1048576)
        # Unrepresentable results are refused by every migrator: Reject M-8, offset = file size.
        for kv in ({"meta/log_entry_seq": b"4294967296"},
                   {"core/log/004294967298": log_value(4294967298)},
                   {"core/log/000000000001": log_value(1), "meta/log_entry_seq": b"4294967296"}):
            f = build_v1(kv)
            with self.assertRaises(Reject) as cm:
                migrate(f)
            self.assertEqual((cm.exception.rule, cm.exception.offset), ("M-8", len(f)))

    def test_input_must_validate_m_1(self):
        with self.assertRaises(Reject) as cm:
            migrate(EMPTY_V2)
        self.assertEqual(cm.exception.rule, "M-1")
        f = v1_file(u32(1) + b"x", b'{"a":{"offset":64,"length":2}}')   # R-CHK-3 only
        with self.assertRaises(Reject):
            migrate(f)
        out, _ = migrate(f, "compat")
        self.assertEqual(read(out).kv, {"a": b"x{"})


# --------------------------------------------------------------------------- JS emulation

class TestJsEmulation(unittest.TestCase):
    def test_new_store(self):
        self.assertEqual(js.StoreV2.new().data, EMPTY_V2)
        self.assertEqual(js.StoreV1.new().data, v1_file())

    def test_set_overwrites_committed_section_until_commit(self):
        s = js.StoreV2.new()
        s.set("a", b"hello")
        # the chunk (9 bytes) lands on the event section and the first index byte
        self.assertEqual(s.data, EMPTY_V2[:128] + u32(5) + b"hello" + b"}")
        s.commit()
        index = b'{"a":{"offset":128,"length":5}}'
        self.assertEqual(s.data, v2_file(u32(5) + b"hello", index=index))

    def test_integer_like_keys_first_then_insertion_order(self):
        s = js.StoreV2.new()
        for k in ("z", "42", "a", "7", "01"):
            s.set(k, b"")
        s.commit()
        idx = s.data[128 + 20 + 8:]
        self.assertEqual(idx, b'{"7":{"offset":140,"length":0},"42":{"offset":132,"length":0},'
                              b'"z":{"offset":128,"length":0},"a":{"offset":136,"length":0},'
                              b'"01":{"offset":144,"length":0}}')

    def test_v1_append_entry_value_of_spec_6_1(self):
        s = js.StoreV1.new()
        key = s.append_entry(1700000000000, kind=1, content_source=2, key="k", payload_json='{"x":1}')
        self.assertEqual(key, "core/log/000000000001")
        self.assertEqual(s.get(key), b'{"kind":1,"content_source":2,"key":"k","payload":{"x":1},'
                                     b'"id":1,"ts":1700000000000}')
        self.assertEqual(s.get("meta/log_entry_seq"), b"1")

    def test_v2_event_blob(self):
        s = js.StoreV2.new()
        s.append_entry(3, kind=1, content_source=2, key="k", payload_json='{"x":1.50}', parent_id_json="null")
        s.append_entry(4, kind=1, content_source=2)
        s.commit()
        c = read(s.data)
        self.assertEqual([e.payload for e in c.events],
                         [b'{"key":"k","payload":{"x":1.5},"parent_id":null}', b"{}"])

    def test_0_2_0_opening_v1_zeroes_first_chunk_bytes(self):
        s1 = js.StoreV1.new()
        s1.set("knowledge/agents/ace-ops/AGENT.md", b"# Ops\nBe careful.")
        s1.append_entry(1, kind=1, content_source=1, key="k")
        s1.close()
        s2 = js.StoreV2.open(s1.data)
        s2.close()
        c = read(s2.data, "compat")
        self.assertEqual(c.kv, {"knowledge/agents/ace-ops/AGENT.md": bytes(17)})
        self.assertEqual([e.payload for e in c.events], [b'{"key":"k"}'])

    def test_erratum_e_5_crash_image(self):
        s = js.StoreV2.new()
        s.set("a", b"x")
        s.append_entry(1700000000000, kind=1, content_source=1, key="k", payload_json="1")
        s.commit()
        self.assertEqual(int.from_bytes(s.data[40:48], "big"), 0x85)
        self.assertEqual(int.from_bytes(s.data[48:56], "big"), 53)
        s.set("b", b"xyz")
        self.assertEqual(s.data[0x85:0x85 + 12], bytes.fromhex("00000003 78797a 8bcfe56800".replace(" ", "")))
        with self.assertRaises(Reject) as cm:
            read(s.data, "compat")
        self.assertEqual((cm.exception.rule, cm.exception.offset), ("R-EVT-3", 0x85))

    def test_erratum_e_11_compact_keeps_index_length(self):
        f = v2_file(u32(5) + b"hello", index=b'{"k":{"offset":128,"length":3}}')
        s = js.StoreV2.open(f)
        s.compact()
        self.assertEqual(s.data[128:135], u32(3) + b"hel")

    def test_erratum_e_14_wrapping(self):
        s = js.StoreV2.new()
        s.append_entry(-1, kind=300, content_source=-1)
        s.append_entry(1.9, kind=1, content_source=1)
        s.commit()
        self.assertEqual(s.data[128:128 + 28], bytes.fromhex(
            "00000002" "ffffffffffffffff" "0000000000000001" "2c01" "ff01" "0000" "0000"))
        self.assertEqual(read(s.data, "compat").events[0].ts, 2 ** 64 - 1)

    def test_js_number_to_string(self):
        cases = {1e21: "1e+21", 1e20: "100000000000000000000", 1e-7: "1e-7", 0.000001: "0.000001",
                 123e-20: "1.23e-18", 5e-324: "5e-324", 1.7976931348623157e308: "1.7976931348623157e+308",
                 -1.5e-10: "-1.5e-10", 100.0: "100", -0.0: "0", 0.1: "0.1", 4294967296.5: "4294967296.5",
                 123456789012345678901234.0: "1.2345678901234569e+23"}
        for x, want in cases.items():
            self.assertEqual(jsjson.number_to_string(x), want, x)


# --------------------------------------------------------------------------- command line

class TestCli(unittest.TestCase):
    def run_cli(self, *args, stdin=b""):
        return subprocess.run([sys.executable, CLI, *args], input=stdin, capture_output=True,
                              cwd="/")

    def test_adapter(self):
        r = self.run_cli("adapter", "capabilities")
        self.assertEqual(r.returncode, 0)
        self.assertEqual(r.stdout, b'{"read":true,"write":true,"migrate":true,"profiles":["strict","compat"],"serve":true}\n')
        import tempfile
        with tempfile.TemporaryDirectory() as d:
            good = os.path.join(d, "good.ace")
            bad = os.path.join(d, "bad.ace")
            with open(good, "wb") as f:
                f.write(EMPTY_V2)
            with open(bad, "wb") as f:
                f.write(patch(EMPTY_V2, 8, u32(3)))
            r = self.run_cli("adapter", "read", good)
            self.assertEqual((r.returncode, r.stdout),
                             (0, b'{"format_version":2,"flags":0,"evt_base_id":"0","kv":[],"events":[]}\n'))
            r = self.run_cli("adapter", "read", bad, "--profile", "compat")
            self.assertEqual(r.returncode, 1)
            self.assertTrue(r.stderr.startswith(bad.encode() + b":8: R-HDR-3: "), r.stderr)
            r = self.run_cli("adapter", "write", stdin=dump(read(EMPTY_V2)))
            self.assertEqual((r.returncode, r.stdout), (0, EMPTY_V2))
            r = self.run_cli("adapter", "write", stdin=b"{}")
            self.assertEqual(r.returncode, 1)
            r = self.run_cli("adapter", "migrate", stdin=build_v1({"meta/log_entry_seq": b"3"}))
            self.assertEqual(r.returncode, 0)
            self.assertEqual(read(r.stdout).evt_base_id, 3)
            r = self.run_cli("adapter", "migrate", stdin=EMPTY_V2)
            self.assertEqual(r.returncode, 1)
            r = self.run_cli("adapter", "read", good, "--profile", "lenient")
            self.assertEqual(r.returncode, 2)


if __name__ == "__main__":
    unittest.main()
