"""index/: the JSON KV index in both profiles (4, R-IDX-*): whitespace, BOM, entry form,
number forms, key escapes and surrogates, duplicates, nesting, UTF-8."""

from . import binfmt as B
from .model import ACCEPT, Cases

# Three chunks at fixed offsets (the index comes after them, so its text never moves them):
# 128: "hello" (5 bytes), 137: "" (0 bytes), 141: "world" (5 bytes). No events.
EA = '{"offset":128,"length":5}'
E0 = '{"offset":137,"length":0}'
EW = '{"offset":141,"length":5}'
KV2 = {"a": b"hello", "w": b"world"}


def f(text):
    """The three chunks, an empty event section and `text` (str or bytes) as the index."""
    b = B.V2()
    b.chunk(b"hello")
    b.chunk(b"")
    b.chunk(b"world")
    b.section([])
    b.index(text)
    return b.build()


def one(key_text, entry=EA):
    """Index with one member: key_text is the literal JSON string (quotes included)."""
    if isinstance(key_text, bytes):
        return b"{" + key_text + b":" + entry.encode() + b"}"
    return "{" + key_text + ":" + entry + "}"


def cases():
    C = Cases("index")

    C.read("canonical", f('{"a":%s,"e":%s,"w":%s}' % (EA, E0, EW)), "three keys in strict "
           "form", ACCEPT, ACCEPT, ["R-IDX-1", "R-IDX-2", "W-IDX-1"])
    C.read("empty", f("{}"), "the empty index {} with three unreferenced chunks", ACCEPT, ACCEPT,
           ["R-IDX-2"])

    # --- R-IDX-3 (strict) / R-IDX-8 (compat): whitespace and BOM -------------------------
    std = '{"a":%s,"w":%s}' % (EA, EW)
    ws_cases = [
        ("ws_leading_space", " " + std, "a space before the index"),
        ("ws_leading_lf", "\n" + std, "a LF before the index"),
        ("ws_trailing_lf", std + "\n", "a LF after the index (inside kv_index_length)"),
        ("ws_trailing_crlf", std + "\r\n", "CR LF after the index"),
        ("ws_after_open_brace", "{ " + std[1:], "a space after the opening brace"),
        ("ws_before_close_brace", std[:-1] + " }", "a space before the closing brace"),
        ("ws_around_colon", '{"a" : %s,"w":%s}' % (EA, EW), "spaces around a colon"),
        ("ws_around_comma", '{"a":%s , "w":%s}' % (EA, EW), "spaces around a comma"),
        ("ws_inside_entry", '{"a":{ "offset": 128, "length": 5 },"w":%s}' % EW,
         "spaces inside an entry"),
        ("ws_tab", '{\t"a":%s,"w":%s}' % (EA, EW), "a TAB between tokens"),
        ("ws_cr", '{\r"a":%s,"w":%s}' % (EA, EW), "a CR between tokens"),
        ("ws_pretty_printed", '{\n  "a": {\n    "offset": 128,\n    "length": 5\n  },\n  '
         '"w": {\n    "offset": 141,\n    "length": 5\n  }\n}', "JSON.stringify(.., null, 2) "
         "style pretty printing"),
    ]
    for name, text, what in ws_cases:
        C.read(name, f(text), f"{what}: strict allows no whitespace, compat skips it",
               "R-IDX-3", ACCEPT, ["R-IDX-8"], kv=KV2)
    bom = b"\xef\xbb\xbf"
    C.read("bom", f(bom + std.encode()), "a UTF-8 BOM before the index: strict rejects it, "
           "compat skips it (TextDecoder strips it)", "R-IDX-3", ACCEPT, ["R-IDX-8"], kv=KV2)
    C.read("bom_then_space", f(bom + b" " + std.encode()), "BOM then a space", "R-IDX-3",
           ACCEPT, ["R-IDX-8"], kv=KV2)
    C.read("bom_twice", f(bom + bom + std.encode()), "two BOMs: compat skips one, the second "
           "is not JSON", ("R-IDX-2", "R-IDX-3"), "R-IDX-2", ["R-IDX-8"])
    C.read("bom_after_brace", f(b"{" + bom + std[1:].encode()), "a BOM after the opening "
           "brace (not JSON whitespace)", ("R-IDX-2", "R-IDX-3"), "R-IDX-2")
    C.read("bom_utf16", f(b"\xfe\xff" + std.encode()), "a UTF-16 BOM (FE FF: not UTF-8)",
           "R-IDX-1", "R-IDX-1")
    for name, ch, what in (("ws_form_feed", "\f", "a form feed"),
                           ("ws_vertical_tab", "\v", "a vertical tab"),
                           ("ws_nbsp", "\u00a0", "U+00A0 NO-BREAK SPACE"),
                           ("ws_ideographic_space", "\u3000", "U+3000"),
                           ("ws_line_separator", "\u2028", "U+2028")):
        C.read(name, f("{" + ch + std[1:]), f"{what} between tokens: not JSON whitespace",
               ("R-IDX-2", "R-IDX-3"), "R-IDX-2")
    C.read("ws_only", f("   "), "an index of three spaces (no value)", ("R-IDX-2", "R-IDX-3"),
           "R-IDX-2")

    # --- R-IDX-2 (both): a JSON text whose value is an object ---------------------------
    for name, text, what in (
            ("not_object_array", "[]", "an empty array"),
            ("not_object_array_of_entry", "[%s]" % EA, "an array holding an entry"),
            ("not_object_null", "null", "null"), ("not_object_true", "true", "true"),
            ("not_object_number", "0", "the number 0"),
            ("not_object_string", '"{}"', "a string"),
            ("open_brace_only", "{", "a lone opening brace"),
            ("close_brace_only", "}", "a lone closing brace"),
            ("extra_close_brace", "{}}", "{}}"), ("trailing_comma_top", "{},", "{},"),
            ("two_objects", "{}{}", "two objects"), ("trailing_garbage", "{}x", "{}x"),
            ("trailing_nul", "{}\x00", "{} then a NUL byte"),
            ("trailing_comma_member", '{"a":%s,}' % EA, "a trailing comma after a member"),
            ("leading_comma_member", '{,"a":%s}' % EA, "a comma before the first member"),
            ("missing_colon", '{"a"%s}' % EA, "a member without its colon"),
            ("missing_comma", '{"a":%s"w":%s}' % (EA, EW), "two members without a comma"),
            ("unterminated_string", '{"a:%s}' % EA, "an unterminated key string"),
            ("comment", '{/*c*/"a":%s}' % EA, "a comment")):
        C.read(name, f(text), f"the index is {what}: not a JSON object text", "R-IDX-2",
               "R-IDX-2")
    # Syntax errors where a key or an entry should be: a strict parser may blame the key or
    # entry form as well.
    for name, text, what, other in (
            ("missing_value", '{"a":}', "a member without its value", "R-IDX-4"),
            ("truncated_entry", '{"a":{"offset":128,"length":5', "an entry cut before its "
             "braces", "R-IDX-4"),
            ("single_quotes", "{'a':%s}" % EA, "a single-quoted key", "R-IDX-6"),
            ("unquoted_key", "{a:%s}" % EA, "an unquoted key", "R-IDX-6"),
            ("number_key", "{1:%s}" % EA, "a number as a key", "R-IDX-6")):
        C.read(name, f(text), f"the index is {what}: not a JSON object text",
               ("R-IDX-2", other), "R-IDX-2")

    # --- R-IDX-4 (strict) / R-IDX-9 (compat): entry form ---------------------------------
    for name, entry, what in (
            ("entry_extra_member_last", '{"offset":128,"length":5,"x":1}', "an extra member x"),
            ("entry_extra_member_first", '{"x":1,"offset":128,"length":5}', "an extra member "
             "before offset"),
            ("entry_extra_member_between", '{"offset":128,"x":"y","length":5}', "an extra member "
             "between offset and length"),
            ("entry_extra_object", '{"offset":128,"length":5,"x":{"y":[1,{}]}}',
             "an extra member holding an object"),
            ("entry_extra_null", '{"offset":128,"length":5,"x":null}', "an extra null member"),
            ("entry_extra_lone_surrogate_value", '{"offset":128,"length":5,"x":"\\ud800"}',
             "an extra member whose string value is a lone surrogate escape (R-IDX-11 concerns "
             "keys and member names only)"),
            ("entry_reversed", '{"length":5,"offset":128}', "length before offset"),
            ("entry_offset_twice", '{"offset":1,"offset":128,"length":5}', "offset twice (1 "
             "then 128: the last counts in compat)"),
            ("entry_length_twice", '{"offset":128,"length":999,"length":5}', "length twice (999 "
             "then 5: the last counts in compat)"),
            ):
        C.read(name, f(one('"a"', entry)), f"entry {entry}: {what}", "R-IDX-4", ACCEPT,
               ["R-IDX-9"], kv={"a": b"hello"})
    for name, entry, what in (
            ("entry_escaped_member_name", '{"\\u006fffset":128,"l\\u0065ngth":5}',
             "member names written with escapes (compared after decoding in compat)"),
            ("entry_escaped_member_name_upper", '{"\\u006Fffset":128,"\\u006Cength":5}',
             "member names with uppercase-hex escapes")):
        C.read(name, f(one('"a"', entry)), f"entry {entry}: {what}", ("R-IDX-4", "R-IDX-6"),
               ACCEPT, ["R-IDX-9", "R-IDX-11"], kv={"a": b"hello"})
    for name, entry, what in (
            ("entry_missing_length", '{"offset":128}', "no length"),
            ("entry_missing_offset", '{"length":5}', "no offset"),
            ("entry_empty_object", '{}', "an empty object"),
            ("entry_offset_capitalised", '{"Offset":128,"length":5}', "'Offset' instead of "
             "'offset'"),
            ("entry_offset_name_space", '{"offset ":128,"length":5}', "'offset ' with a space"),
            ("entry_is_number", "128", "a number"), ("entry_is_array", "[128,5]", "an array"),
            ("entry_is_string", '"128"', "a string"), ("entry_is_null", "null", "null"),
            ("entry_is_true", "true", "true")):
        C.read(name, f(one('"a"', entry)), f"entry {entry}: {what}", "R-IDX-4", "R-IDX-9")
    for name, entry, what in (
            ("offset_string", '{"offset":"128","length":5}', "offset is a string"),
            ("offset_null", '{"offset":null,"length":5}', "offset is null"),
            ("offset_true", '{"offset":true,"length":5}', "offset is true"),
            ("offset_array", '{"offset":[128],"length":5}', "offset is an array"),
            ("length_object", '{"offset":128,"length":{"n":5}}', "length is an object")):
        C.read(name, f(one('"a"', entry)), f"entry {entry}: {what}", ("R-IDX-4", "R-IDX-5"),
               "R-IDX-9")
    C.read("entry_lone_surrogate_member_name",
           f(one('"a"', '{"offset":128,"length":5,"\\udc00":1}')), "an extra member whose "
           "name is a lone surrogate escape: compat rejects member names that are not Unicode",
           ("R-IDX-4", "R-IDX-6"), "R-IDX-11")

    # --- R-IDX-5 (strict) / R-IDX-10 (compat): number forms ----------------------------
    accepted = [("offset", "128.0"), ("offset", "1.28e2"), ("offset", "1.28E2"),
                ("offset", "1.28e+2"), ("offset", "12800e-2"), ("offset", "0.128e3"),
                ("offset", "128e0"), ("offset", "128.000000"), ("offset", "1280000000000000000000e-19"),
                ("offset", "1.28e00000000000000000000002"), ("offset", "128." + "0" * 400),
                ("length", "5.0"), ("length", "5e0"), ("length", "0.5e1"), ("length", "50E-1"),
                ("length", "0.00000000000000000000000000000000000005e38")]
    for i, (member, num) in enumerate(accepted):
        entry = EA.replace({"offset": "128", "length": "5"}[member], num, 1) if member == \
            "offset" else '{"offset":128,"length":%s}' % num
        C.read(f"number_{member}_{_slug(num)}", f(one('"a"', entry)),
               f"{member} written {num[:40]}{'...' if len(num) > 40 else ''}: its exact value "
               f"is an integer, so compat accepts it; strict allows only uint", "R-IDX-5",
               ACCEPT, ["R-IDX-10"], kv={"a": b"hello"})
    for num in ("-0", "-0.0", "0.0", "0e5", "0E-400", "-0e0", "0.000"):
        C.read(f"number_zero_length_{_slug(num)}", f(one('"e"', '{"offset":137,"length":%s}'
                                                          % num)),
               f"the empty value's length written {num} (exact value 0)", "R-IDX-5", ACCEPT,
               ["R-IDX-10"], kv={"e": b""})
    for member, num, what in (
            ("length", "1.5", "not an integer"), ("length", "-1", "negative"),
            ("offset", "-128", "negative"), ("offset", "128.5", "not an integer"),
            ("offset", "128.00000000000000000001", "not an integer, though JSON.parse rounds it "
             "to 128 (the exact value counts)"),
            ("offset", "127.99999999999999999", "not an integer (JSON.parse: 128)"),
            ("offset", "1e-400", "a tiny non-integer (JSON.parse: 0)"),
            ("length", "4.9999999999999999", "not an integer (JSON.parse: 5)"),
            ("length", "5e-1", "0.5")):
        entry = ('{"offset":%s,"length":5}' % num if member == "offset"
                 else '{"offset":128,"length":%s}' % num)
        C.read(f"number_{member}_{_slug(num)}", f(one('"a"', entry)),
               f"{member} written {num}: {what}", "R-IDX-5", "R-IDX-10")
    for member, num, what in (
            ("offset", "9007199254740992", "2^53"),
            ("offset", "9007199254740993", "2^53+1 (JSON.parse: 2^53)"),
            ("offset", "18446744073709551615", "2^64-1"),
            ("offset", "18446744073709551744", "2^64+128 (wraps to 128 modulo 2^64)"),
            ("offset", "1e400", "1e400 (JSON.parse: Infinity)"),
            ("length", "9007199254740992", "2^53"),
            ("length", "4294967301", "2^32+5 (5 modulo 2^32)")):
        entry = ('{"offset":%s,"length":5}' % num if member == "offset"
                 else '{"offset":128,"length":%s}' % num)
        # An integer this large also puts the value outside the file (R-CHK-1); for a length
        # the prefix differs too (R-CHK-3).
        strict = ("R-IDX-5", "R-CHK-1", "R-CHK-2") + (("R-CHK-3",) if member == "length" else ())
        if num == "4294967301":
            strict = ("R-CHK-1", "R-CHK-2", "R-CHK-3")
            C.read(f"number_{member}_{_slug(num)}", f(one('"a"', entry)),
                   f"{member} = {what}: a valid number, but the value lies outside the file",
                   strict, "R-CHK-1")
            continue
        C.read(f"number_{member}_{_slug(num)}", f(one('"a"', entry)),
               f"{member} = {what}: above 2^53-1", strict, ("R-IDX-10", "R-CHK-1"))
    for member, num in (("offset", "0128"), ("offset", "+128"), ("offset", ".5"),
                        ("offset", "128."), ("offset", "1e"), ("offset", "1e+"),
                        ("offset", "-"), ("offset", "0x80"), ("offset", "NaN"),
                        ("offset", "Infinity"), ("offset", "-Infinity"), ("length", "05"),
                        ("length", "- 5"), ("length", "5.e1")):
        entry = ('{"offset":%s,"length":5}' % num if member == "offset"
                 else '{"offset":128,"length":%s}' % num)
        C.read(f"number_invalid_{member}_{_slug(num)}", f(one('"a"', entry)),
               f"{member} written {num}: not a JSON number", ("R-IDX-2", "R-IDX-5"), "R-IDX-2")

    # --- R-IDX-6 (strict) / R-IDX-11 (compat): key strings --------------------------------
    C.read("key_all_controls", f(one(B.jstr("".join(chr(c) for c in range(32)) + '"\\')
                                     .encode())),
           "a key holding U+0000..U+001F, quote and backslash, escaped as 4.1 requires "
           "(short forms, lowercase \\u00xx)", ACCEPT, ACCEPT, ["R-IDX-6"])
    for name, key, what in (
            ("key_literal_del", "a\x7fb", "a literal DEL (U+007F is not escaped)"),
            ("key_literal_u2028", "a\u2028b\u2029", "literal U+2028 and U+2029"),
            ("key_non_ascii", "Grüße/日本/😀", "2, 3 and 4-byte UTF-8"),
            ("key_u10ffff", "\U0010ffff\uffff\ufffe", "U+10FFFF, U+FFFF, U+FFFE (noncharacters "
             "are scalar values)"),
            ("key_nul", "\x00", "a single U+0000 (written \\u0000)"),
            ("key_empty", "", "the empty string"),
            ("key_proto", "__proto__", "__proto__ (an ordinary key, 4.2)"),
            ("key_constructor", "constructor", "constructor"),
            ("key_slash", "a/b", "a slash (written literally)"),
            ("key_quote_backslash", 'say "hi" \\o/', "quotes and backslashes"),
            ("key_long", "k" * 10000, "10,000 characters"),
            ("key_bom_char", "\ufeffa", "a leading U+FEFF inside the key (only a BOM before the "
             "index is special)")):
        C.read(name, f(one(B.jstr(key).encode())), f"one key: {what}", ACCEPT, ACCEPT,
               ["R-IDX-6"], kv={key: b"hello"})
    C.read("keys_nfc_nfd", f('{%s:%s,%s:%s}' % (B.jstr("caf\u00e9"), EA, B.jstr("cafe\u0301"),
                                                EW)),
           "two keys that differ only in Unicode normalisation (NFC, NFD): distinct keys",
           ACCEPT, ACCEPT, ["R-IDX-7"])
    b = B.V2()
    keys = ["4294967295", "-1", "01", "42", "7", "0", "4294967294", "1.5", "a"]
    for k in keys:
        b.chunk(k.encode(), key=k)
    b.section([])
    b.index()
    C.read("keys_integer_like_insertion_order", b.build(), "integer-like and number-looking "
           "keys (0, 7, 42, 4294967294; not 01, -1, 1.5, 4294967295) in an arbitrary member "
           "order, which has no meaning", ACCEPT, ACCEPT, ["R-IDX-6"])
    for name, text, key, what in (
            ("key_escaped_ascii", '"\\u0061"', "a", "\\u0061 for 'a'"),
            ("key_escaped_slash", '"a\\/b"', "a/b", "\\/ for '/'"),
            ("key_escaped_lf_long_form", '"a\\u000ab"', "a\nb", "\\u000a instead of \\n"),
            ("key_escaped_tab_long_form", '"\\u0009"', "\t", "\\u0009 instead of \\t"),
            ("key_escaped_bs_long_form", '"\\u0008"', "\b", "\\u0008 instead of \\b"),
            ("key_escaped_quote_long_form", '"\\u0022"', '"', '\\u0022 instead of \\"'),
            ("key_escaped_backslash_long_form", '"\\u005c"', "\\", "\\u005c instead of \\\\"),
            ("key_escaped_uppercase_hex", '"\\u001F"', "\x1f", "\\u001F (uppercase hex)"),
            ("key_escaped_uppercase_hex_a", '"a\\u000Ab"', "a\nb", "\\u000A (long form, "
             "uppercase)"),
            ("key_escaped_del", '"\\u007f"', "\x7f", "\\u007f (DEL is written literally)"),
            ("key_escaped_latin1", '"caf\\u00e9"', "café", "\\u00e9 for é"),
            ("key_escaped_u2028", '"\\u2028"', "\u2028", "\\u2028 (written literally by "
             "JSON.stringify)"),
            ("key_escaped_pair", '"\\ud83d\\ude00"', "😀", "a surrogate pair escape for U+1F600"),
            ("key_escaped_pair_upper", '"\\uD83D\\uDE00"', "😀", "an uppercase surrogate pair "
             "escape"),
            ("key_escaped_pair_mixed", '"\\uD83D\\ude00"', "😀", "a surrogate pair escape in "
             "mixed case"),
            ("key_escaped_pair_max", '"\\udbff\\udfff"', "\U0010ffff", "the pair for U+10FFFF"),
    ):
        C.read(name, f(one(text)), f"key written {text}: {what}; compat decodes it as JSON "
               "does", "R-IDX-6", ACCEPT, ["R-IDX-11"], kv={key: b"hello"})
    for name, text, what in (
            ("key_lone_high", '"\\ud800"', "a lone high surrogate escape"),
            ("key_lone_low", '"\\udc00"', "a lone low surrogate escape"),
            ("key_lone_high_upper", '"\\uD83D"', "a lone high surrogate escape, uppercase"),
            ("key_reversed_pair", '"\\ude00\\ud83d"', "a reversed pair (low then high)"),
            ("key_high_then_ascii_escape", '"\\ud83d\\u0041"', "a high surrogate escape "
             "followed by \\u0041"),
            ("key_high_then_char", '"\\ud83dx"', "a high surrogate escape followed by 'x'"),
            ("key_high_at_end", '"a\\ud83d"', "a high surrogate escape at the end of the key"),
            ("key_two_highs", '"\\ud83d\\ud83d\\ude00"', "two high surrogate escapes then a low "
             "one (the first is unpaired)"),
            ("key_high_then_literal_low_char", '"\\ud83d\u00e9"', "a high surrogate escape "
             "followed by a literal é")):
        C.read(name, f(one(text)), f"key written {text}: {what}, not Unicode text",
               "R-IDX-6", "R-IDX-11")
    for name, raw, what in (
            ("key_invalid_escape_x", b'"\\x41"', "\\x41"),
            ("key_invalid_escape_short_u", b'"\\u41"', "\\u41 (two hex digits)"),
            ("key_invalid_escape_capital_u", b'"\\U0041"', "\\U0041"),
            ("key_invalid_escape_brace", b'"\\u{41}"', "\\u{41}"),
            ("key_invalid_escape_nonhex", b'"\\u00g1"', "\\u00g1"),
            ("key_invalid_escape_single_quote", b'"\\\'"', "\\'"),
            ("key_literal_control", b'"a\x01b"', "a literal U+0001"),
            ("key_literal_tab", b'"a\tb"', "a literal TAB"),
            ("key_literal_lf", b'"a\nb"', "a literal LF")):
        C.read(name, f(one(raw)), f"key holding {what}: not a JSON string",
               ("R-IDX-2", "R-IDX-6"), "R-IDX-2")
    for name, raw, what in (
            ("utf8_overlong_slash", b'"\xc0\xaf"', "an overlong 2-byte '/' (C0 AF)"),
            ("utf8_overlong_3byte", b'"\xe0\x80\xaf"', "an overlong 3-byte form"),
            ("utf8_overlong_4byte", b'"\xf0\x80\x80\xaf"', "an overlong 4-byte form"),
            ("utf8_surrogate_literal", b'"\xed\xa0\x80"', "an encoded surrogate (ED A0 80)"),
            ("utf8_surrogate_pair_literal", b'"\xed\xa0\xbd\xed\xb8\x80"', "an encoded "
             "surrogate pair (CESU-8)"),
            ("utf8_above_max", b'"\xf4\x90\x80\x80"', "U+110000 (F4 90 80 80)"),
            ("utf8_f5", b'"\xf5\x80\x80\x80"', "a F5 lead byte"),
            ("utf8_lone_continuation", b'"a\x80b"', "a lone continuation byte"),
            ("utf8_truncated_2", b'"\xc3"', "a 2-byte sequence cut short"),
            ("utf8_truncated_4", b'"\xf0\x9f\x98"', "a 4-byte sequence cut short"),
            ("utf8_fe", b'"\xfe"', "byte FE"), ("utf8_ff", b'"\xff"', "byte FF")):
        C.read(name, f(one(raw)), f"a key holding {what}: the index is not UTF-8", "R-IDX-1",
               "R-IDX-1")
    C.read("utf8_at_end", f(b"{}\xc3"), "the index ends with a cut UTF-8 sequence",
           "R-IDX-1", "R-IDX-1")
    C.read("utf8_outside_strings", f(b"{\xc2\xa0}"), "valid UTF-8 U+00A0 between tokens (JSON, "
           "not UTF-8, is at fault)", ("R-IDX-2", "R-IDX-3"), "R-IDX-2")

    # --- R-IDX-7 (strict) / R-IDX-12 (compat): duplicate keys --------------------------
    C.read("dup_key", f('{"a":%s,"a":%s}' % (EA, EW)), "key 'a' twice (hello, then world): "
           "compat keeps the last", "R-IDX-7", ACCEPT, ["R-IDX-12"], kv={"a": b"world"})
    C.read("dup_key_three_times", f('{"a":%s,"a":%s,"a":%s}' % (EW, E0, EA)),
           "key 'a' three times (world, empty, hello) at three different chunks: compat keeps "
           "the last (hello)", "R-IDX-7", ACCEPT, ["R-IDX-12"], kv={"a": b"hello"})
    C.read("dup_key_proto", f('{"__proto__":%s,"__proto__":%s}' % (EA, EW)),
           "__proto__ twice: an ordinary key, the last counts in compat", "R-IDX-7", ACCEPT,
           ["R-IDX-12"], kv={"__proto__": b"world"})
    C.read("dup_key_empty", f('{"":%s,"":%s}' % (EA, EW)), "the empty key twice", "R-IDX-7",
           ACCEPT, ["R-IDX-12"], kv={"": b"world"})
    C.read("dup_key_escaped", f('{"a":%s,"\\u0061":%s}' % (EA, EW)), "'a' and '\\u0061' (the "
           "same key after decoding)", ("R-IDX-6", "R-IDX-7"), ACCEPT, ["R-IDX-12"],
           kv={"a": b"world"})
    C.read("dup_key_first_outside_file", f('{"a":{"offset":999999,"length":5},"a":%s}' % EA),
           "key 'a' twice; the first entry points outside the file: the last occurrence wins, "
           "but every occurrence must be valid (spec 1.4 exception 5), so compat rejects",
           ("R-IDX-7", "R-CHK-1", "R-CHK-2"), "R-CHK-1", ["R-IDX-12"])
    C.read("dup_key_last_outside_file", f('{"a":%s,"a":{"offset":999999,"length":5}}' % EA),
           "key 'a' twice; the last entry points outside the file: compat uses it and rejects",
           ("R-IDX-7", "R-CHK-1", "R-CHK-2"), "R-CHK-1", ["R-IDX-12"])
    C.read("dup_key_first_malformed_entry", f('{"a":{"offset":"x"},"a":%s}' % EA),
           "key 'a' twice; the first entry has no numbers: JSON.parse drops it, but every "
           "occurrence must be valid (spec 1.4 exception 5), so compat rejects",
           ("R-IDX-4", "R-IDX-5", "R-IDX-7"), "R-IDX-9", ["R-IDX-12"])

    # --- Nesting (R-IDX-2: at most 512 levels; compat ignores extra members) ------------
    for depth in (511, 512, 513):
        arrays = depth - 2
        entry = '{"offset":128,"length":5,"x":%s%s}' % ("[" * arrays, "]" * arrays)
        if depth <= 512:
            C.read(f"nesting_{depth}", f(one('"a"', entry)), f"an extra member nests arrays to "
                   f"a total depth of {depth} (index object = 1)", "R-IDX-4", ACCEPT,
                   ["R-IDX-2", "R-IDX-9"])
        else:
            C.read(f"nesting_{depth}", f(one('"a"', entry)), f"an extra member nests arrays to "
                   f"a total depth of {depth}: more than 512 levels", ("R-IDX-2", "R-IDX-4"),
                   "R-IDX-2")
    deep = '{"offset":128,"length":5,"x":%s1%s}' % ('{"y":' * 510, "}" * 510)
    C.read("nesting_512_objects", f(one('"a"', deep)), "an extra member nests objects to a total "
           "depth of 512", "R-IDX-4", ACCEPT, ["R-IDX-2", "R-IDX-9"])
    deep = '{"offset":128,"length":5,"x":%s1%s}' % ('{"y":' * 511, "}" * 511)
    C.read("nesting_513_objects", f(one('"a"', deep)), "an extra member nests objects to a total "
           "depth of 513", ("R-IDX-2", "R-IDX-4"), "R-IDX-2")
    C.read("nesting_deep_unclosed", f('{"a":{"offset":128,"length":5,"x":' + "[" * 100000),
           "an extra entry member opens 100,000 arrays and never closes them (a reader must "
           "not recurse per level)", ("R-IDX-2", "R-IDX-4"), "R-IDX-2")
    return C


def _slug(num):
    out = num.replace("-", "m").replace("+", "p").replace(".", "d").replace(" ", "_")
    if len(out) > 40:
        out = out[:20] + "_%d_chars" % len(num)
    return out
