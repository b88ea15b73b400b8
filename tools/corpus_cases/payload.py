"""payload/: event payloads (5, R-PAY-*): UTF-8, JSON object texts, escapes, nesting depth.
In compat payloads are arbitrary bytes, so every strict rejection here is a compat accept."""

from . import binfmt as B
from .common import TS0, canon
from .model import ACCEPT, Cases
from .events import ef


def one(p):
    """A file with one key and one event whose payload is p (str or bytes)."""
    return ef([B.ev(TS0, p)])


def nest_arrays(depth):
    """An object (level 1) holding depth-1 nested arrays: total depth `depth`."""
    return '{"a":' + "[" * (depth - 1) + "]" * (depth - 1) + "}"


def nest_objects(depth):
    return '{"a":' * (depth - 1) + "{}" + "}" * (depth - 1)


def cases():
    C = Cases("payload")
    KV = {"a": b"hello"}

    good = [
        ("empty_object", "{}", "the empty object"),
        ("js_style", '{"key":"state/x","payload":{"n":1},"parent_id":7}', "what JS 0.2.0 writes"),
        ("whitespace", ' \t\r\n{ "a" : [ 1 , 2 ] }\n ', "JSON whitespace around and inside"),
        ("dup_member_names", '{"a":1,"a":2}', "duplicate member names"),
        ("lone_high_escape", '{"s":"\\ud800"}', "a lone high surrogate escape in a string "
         "(JSON.stringify writes these for lone surrogates)"),
        ("lone_low_escape", '{"s":"\\udc00"}', "a lone low surrogate escape"),
        ("reversed_pair_escape", '{"s":"\\udc00\\ud800"}', "a reversed surrogate pair escape"),
        ("lone_surrogate_member_name", '{"\\ud800":1}', "a member name with a lone surrogate "
         "escape (allowed in payloads, unlike index keys)"),
        ("pair_escape_upper", '{"s":"\\uD83D\\uDE00"}', "an uppercase surrogate pair escape"),
        ("escape_forms", '{"s":"\\"\\\\\\/\\b\\f\\n\\r\\t\\u0000\\u001F\\u00e9"}',
         "every escape form, including \\/ and uppercase hex"),
        ("literal_unicode", '{"é😀":"\u2028\u2029\ufeff\uffff\U0010ffff\x7f"}', "literal "
         "non-ASCII, U+2028/2029, U+FEFF inside a string, noncharacters, DEL"),
        ("numbers", '{"a":-0,"b":1e400,"c":1E+2,"d":-1.5e-3,"e":0,"f":123456789012345678901234567890}',
         "number forms: -0, 1e400, exponents, a 30-digit integer"),
        ("literals", '{"t":true,"f":false,"z":null}', "true, false, null"),
        ("nested_mixed", '{"a":[1,[2,[3,{"b":[]}]]],"c":{"d":{}}}', "nested arrays and objects"),
        ("empty_names", '{"":""}', "an empty member name and value"),
        ("proto", '{"__proto__":{"x":1},"constructor":0}', "__proto__ and constructor members"),
        ("depth_511_arrays", nest_arrays(511), "511 levels (object + 510 arrays)"),
        ("depth_512_arrays", nest_arrays(512), "512 levels (object + 511 arrays): the maximum"),
        ("depth_512_objects", nest_objects(512), "512 nested objects: the maximum"),
    ]
    for name, p, what in good:
        C.read(name, canon(KV, [B.ev(TS0, p)]), f"one event whose payload is {what}", ACCEPT,
               ACCEPT, ["R-PAY-1", "R-PAY-2", "R-PAY-3", "W-EVT-4"], n_events=1)
    big = '{"blob":"' + "x" * 65536 + '"}'
    C.read("large_64k", canon(KV, [B.ev(TS0, big)]), "a payload of 65,548 bytes", ACCEPT,
           ACCEPT, ["R-EVT-7", "R-PAY-2"])

    # R-PAY-3 (strict): more than 512 levels.
    for name, p, what in (("depth_513_arrays", nest_arrays(513), "object + 512 arrays"),
                          ("depth_513_objects", nest_objects(513), "513 nested objects"),
                          ("depth_1000_arrays", nest_arrays(1000), "object + 999 arrays")):
        C.read(name, one(p), f"payload nests {what}: more than 512 levels", "R-PAY-3", ACCEPT,
               n_events=1)
    C.read("depth_unclosed_100000", one('{"a":' + "[" * 100000), "payload opens 100,000 "
           "arrays and never closes them (too deep, and not a complete JSON text)",
           ("R-PAY-2", "R-PAY-3"), ACCEPT, n_events=1)

    # R-PAY-1 (strict): invalid UTF-8 inside a string.
    for name, raw, what in (
            ("utf8_overlong_nul", b"\xc0\x80", "an overlong NUL (C0 80)"),
            ("utf8_overlong_3byte", b"\xe0\x80\xaf", "an overlong 3-byte form"),
            ("utf8_surrogate", b"\xed\xa0\x80", "an encoded high surrogate (ED A0 80)"),
            ("utf8_surrogate_low", b"\xed\xbf\xbf", "an encoded low surrogate (ED BF BF)"),
            ("utf8_above_max", b"\xf4\x90\x80\x80", "U+110000"),
            ("utf8_5byte", b"\xf8\x88\x80\x80\x80", "a 5-byte form"),
            ("utf8_lone_continuation", b"\x80", "a lone continuation byte"),
            ("utf8_truncated", b"\xe2\x82", "a 3-byte sequence cut short"),
            ("utf8_ff", b"\xff", "byte FF")):
        C.read(name, one(b'{"s":"' + raw + b'"}'), f"a payload string holding {what}",
               "R-PAY-1", ACCEPT, n_events=1)
    d = ef([B.ev(TS0, "{}"), B.ev(TS0 + 1, b'{"s":"\xff"}'), B.ev(TS0 + 2, "{}")])
    C.read("utf8_second_of_three", d, "the second of three payloads holds byte FF", "R-PAY-1",
           ACCEPT, n_events=3)

    # R-PAY-2 (strict): a JSON text whose value is an object.
    bad = [
        ("empty", b"", "empty"), ("space", b" ", "a single space"),
        ("array", b"[]", "an array"), ("array_of_object", b"[{}]", "an array holding an object"),
        ("number", b"1", "a number"), ("string", b'"x"', "a string"), ("null", b"null", "null"),
        ("true", b"true", "true"), ("open_brace", b"{", "a lone {"),
        ("close_brace", b"}", "a lone }"), ("two_objects", b"{}{}", "two objects"),
        ("trailing_garbage", b"{} x", "an object then x"),
        ("trailing_nul", b"{}\x00", "an object then NUL"),
        ("member_without_value", b'{"a"}', "a member without a value"),
        ("missing_value", b'{"a":}', "a member without its value"),
        ("trailing_comma", b'{"a":1,}', "a trailing comma"), ("lone_comma", b"{,}", "{,}"),
        ("single_quotes", b"{'a':1}", "single quotes"), ("unquoted_name", b"{a:1}", "an unquoted "
                                                                                     "name"),
        ("leading_zero", b'{"a":01}', "a number with a leading zero"),
        ("trailing_dot", b'{"a":1.}', "1."), ("leading_dot", b'{"a":.5}', ".5"),
        ("lone_minus", b'{"a":-}', "a lone minus"), ("bare_exponent", b'{"a":1e}', "1e"),
        ("plus_sign", b'{"a":+1}', "+1"), ("nan", b'{"a":NaN}', "NaN"),
        ("infinity", b'{"a":Infinity}', "Infinity"), ("hex_number", b'{"a":0x10}', "0x10"),
        ("raw_control", b'{"a":"\x01"}', "a raw U+0001 inside a string"),
        ("raw_lf_in_string", b'{"a":"\n"}', "a raw LF inside a string"),
        ("bad_escape", b'{"a":"\\x41"}', "the escape \\x41"),
        ("short_u_escape", b'{"a":"\\u12"}', "a \\u escape with 2 hex digits"),
        ("capital_u_escape", b'{"a":"\\U0041"}', "the escape \\U0041"),
        ("unterminated_string", b'{"a":"x}', "an unterminated string"),
        ("bad_literal_tru", b'{"a":tru}', "tru"), ("bad_literal_True", b'{"a":True}', "True"),
        ("array_trailing_comma", b'{"a":[1,]}', "[1,]"), ("array_leading_comma", b'{"a":[,1]}',
                                                          "[,1]"),
        ("comment", b"{/*c*/}", "a comment"), ("line_comment", b'{"a":1}//', "a trailing // "
                                                                             "comment"),
        ("bom", b"\xef\xbb\xbf{}", "a UTF-8 BOM then {} (a BOM is not JSON whitespace; "
         "RFC 8259 8.1)"),
        ("vertical_tab", b"\x0b{}", "a vertical tab before {} (not JSON whitespace)"),
        ("form_feed", b"\x0c{}", "a form feed before {}"),
        ("nbsp", "\u00a0{}".encode(), "U+00A0 before {}"),
        ("line_separator_outside", "{}\u2028".encode(), "U+2028 after {}"),
    ]
    for name, raw, what in bad:
        C.read(name, one(raw), f"the payload is {what}: not a JSON object text", "R-PAY-2",
               ACCEPT, n_events=1)
    d = ef([B.ev(TS0, "{}"), B.ev(TS0 + 1, "[]"), B.ev(TS0 + 2, "{}")])
    C.read("second_of_three_is_array", d, "the second of three payloads is []", "R-PAY-2",
           ACCEPT, n_events=3)
    return C
