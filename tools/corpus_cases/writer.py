"""writer/: canonical writer vectors (8.3, W-*): a conformance dump in, the exact canonical
bytes out (computed by pyacepack.build_v2 and cross-checked against our own builder where the
content is ours), and dumps whose content no writer may write."""

from . import binfmt as B
from .common import TS0, canon, events_n, payload
from .dumptext import RawKey, dump_text
from .model import ACCEPT, Cases


def cases():
    C = Cases("writer")

    def w(name, kv, events=(), base=0, flags=0, desc="", rules=(), verdict=ACCEPT):
        pairs = list(kv.items()) if isinstance(kv, dict) else list(kv)
        evs = [B.ev(*e) if not isinstance(e[4], bytes) else e for e in events]
        text = dump_text(pairs, evs, base, flags)
        if verdict == ACCEPT and flags == 0 and isinstance(kv, dict):
            canon(kv, evs, base)   # our builder must agree with pyacepack on this content
        return C.write(name, text, desc, verdict, rules)

    w("empty", {}, desc="the empty content: the 138-byte empty store of 8.3",
      rules=["W-CAN-2", "W-CAN-3", "W-CAN-4", "W-HDR-1"])
    w("one_empty_value", {"k": b""}, desc="one key with an empty value",
      rules=["W-CHK-1", "W-CAN-2"])
    w("small", {"a": b"hello", "state/b": b'{"x":1}'},
      [(TS0, 1, 2, 0, payload("a", {"n": 1}).encode()),
       (TS0 + 1, 4, 3, 1, payload("state/b").encode())],
      desc="two keys and two events", rules=["W-EVT-1", "W-LAY-1", "W-IDX-1"])
    order_keys = ["4294967295", "-1", "01", "42", "7", "0", "4294967294", "1.5", "", "a", "A",
                  "ab", "a/b", "\u00e9", "\uffff", "\U0001f600", "__proto__", "\x7f", " ", "10",
                  "9", "00", "1e3", "\ufb01", "z"]
    w("key_order", {k: k.encode() for k in order_keys},
      desc="W-CAN-1: integer-like keys 0, 7, 9, 10, 42, 4294967294 first in numeric order, "
      "then the rest by UTF-8 bytes (U+FFFF before U+1F600, unlike UTF-16 order); 01, 00, -1, "
      "1.5, 1e3, 4294967295 are ordinary keys", rules=["W-CAN-1", "W-CAN-2"])
    w("key_order_integer_boundaries", {k: b"" for k in ("4294967294", "4294967295",
                                                         "4294967296", "99999999999", "0",
                                                         "1", "2147483648")},
      desc="keys around the integer-like limit 2^32-2", rules=["W-CAN-1"])
    w("key_escapes", {"".join(chr(c) for c in range(32)) + '"\\/\x7f\u2028': b"v",
                      "tab\there": b"t", "nl\n": b"n"},
      desc="keys needing every escape of 4.1 (short forms, \\u00xx lowercase) and "
      "characters that stay literal (/, DEL, U+2028)", rules=["W-IDX-1", "W-CAN-3"])
    w("values_binary", {"bin": bytes(range(256)), "bad_utf8": b"\xff\xfe\xc0\x80",
                        "nul": b"\x00"}, desc="binary and non-UTF-8 values (dump has only "
      "value_hex)", rules=["W-CHK-1"])
    for n in range(0, 9):
        w(f"events_{n}", {"a": b"x"}, events_n(n), desc=f"{n} events (pad {B.pad_of(n)})",
          rules=["W-EVT-1", "W-HDR-1"])
    w("events_base_2p32m1", {}, events_n(3), base=B.MAX32, desc="evt_base_id 2^32-1 with 3 "
      "events (ids beyond 32 bits)", rules=["W-HDR-1", "W-CAN-4"])
    w("events_base_only", {}, (), base=12345, desc="evt_base_id 12345 and no events",
      rules=["W-HDR-1", "W-CAN-4"])
    w("events_field_limits", {}, [(B.MAX53, 255, 255, 255, b"{}"), (0, 0, 0, 0, b"{}")],
      desc="ts 2^53-1 and 0, kind/source/flags 255 and 0", rules=["W-EVT-2"])
    w("payload_kept_as_is", {}, [(TS0, 1, 1, 0, b' { "b" : 2 , "a" : [ 1 ] }\n'),
                                 (TS0, 1, 1, 0, b'{"s":"\\ud800","s":"\\u00E9"}')],
      desc="payloads with whitespace, duplicate names, a lone surrogate escape and uppercase "
      "hex are written byte for byte (W-EVT-4: no reformatting)", rules=["W-EVT-4"])
    w("payload_depth_512", {}, [(TS0, 1, 1, 0, ('{"a":' + "[" * 511 + "]" * 511 + "}")
                                 .encode())], desc="a payload of 512 levels", rules=["W-EVT-4"])
    w("flags_compatible_cleared", {"a": b"x"}, [], flags=1,
      desc="content with compatible flag bit 0: the writer does not implement it and writes "
      "flags 0", rules=["W-HDR-2", "W-CAN-4"])
    w("flags_compatible_ffff_cleared", {}, [], flags=0xFFFF, desc="compatible flag bits 0..15 "
      "all set: written as 0", rules=["W-HDR-2", "W-CAN-4"])
    w("mixed", {("k%03d" % i): (b"v" * i) for i in range(50)},
      [(TS0 + i, i % 7, i % 3, i % 2, payload("k%03d" % i, {"i": i}).encode())
       for i in range(50)], desc="50 keys with values of 0..49 bytes and 50 events",
      rules=["W-CAN-2", "W-CAN-3"])

    # Content no writer may write.
    w("ts_2p53", {}, [(2**53, 1, 1, 0, b"{}")], desc="an event with ts 2^53",
      rules=["W-EVT-2"], verdict="W-EVT-2")
    w("ts_2p64m1", {}, [(B.MAX64, 1, 1, 0, b"{}")], desc="an event with ts 2^64-1",
      rules=["W-EVT-2"], verdict="W-EVT-2")
    for name, p, what in (("payload_array", b"[]", "[]"), ("payload_empty", b"", "empty"),
                          ("payload_invalid_utf8", b'{"s":"\xff"}', "invalid UTF-8"),
                          ("payload_not_json", b"{", "{"),
                          ("payload_depth_513", ('{"a":' + "[" * 512 + "]" * 512 + "}")
                           .encode(), "513 levels deep")):
        w(name, {}, [(TS0, 1, 1, 0, p)], desc=f"an event whose payload is {what}",
          rules=["W-EVT-4"], verdict="W-EVT-4")
    w("dup_key", [("a", b"1"), ("a", b"2")], desc="the dump lists key 'a' twice",
      rules=["W-IDX-2"], verdict="W-IDX-2")
    w("lone_surrogate_key", [(RawKey('"\\ud800"'), b"1")], desc="a key that is a lone "
      "surrogate (not Unicode text, no UTF-8 form)", rules=["W-IDX-2"], verdict="W-IDX-2")
    w("base_2p32", {}, [], base=2**32, desc="evt_base_id 2^32 does not fit the u32 header "
      "field", rules=["W-HDR-1"], verdict="W-HDR-1")
    w("flags_incompatible", {}, [], flags=0x00010000, desc="content with incompatible flag "
      "bit 16, which no writer implements", rules=["W-HDR-2"], verdict="W-HDR-2")
    return C
