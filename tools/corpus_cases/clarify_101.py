"""clarify_101/: the clarifications of spec 1.0.1 (14, changelog), one group per question an
outside implementer could not answer from 1.0.0. Each case pins the 1.0.1 answer: the verdict,
and where a file is rejected the (rule, offset) of spec 7.2, worked out here by hand (`at`)
and checked against pyacepack by the generator.

  1. 4.1 ctl-hex / case-sensitive ABNF: \\U, \\B are not JSON escapes; \\u001F (uppercase hex)
     and \\u0009 (long form of a short escape) are not the strict form; \\u001f, \\u000b are.
  2. R-IDX-9 / R-IDX-10: an earlier duplicate offset/length member inside an entry is
     ignored like any other member; only the occurrence that counts must be an integer.
  3. 7.2 / M-1: a migrator refuses an invalid input with the reader's rule; M-1 only for a
     valid file of version 2.
  4. M-4: log-entry member names are compared after decoding escapes.
  5. M-6: `uint` includes its bound, so meta/log_entry_seq 2^53 and above never defines S.
  6. W-CAN-4: dumps that are the dump of no content are refused under the D rule they break.
  7. R-IDX-2: a top-level value that is not an object is reported at its first byte.
"""

from . import binfmt as B
from .common import canon_v1, small
from .migration import AGENT, SEQ, entries, entry_text, lk
from .model import ACCEPT, Cases

HELLO = b"hello"


def idx_file(text):
    """One chunk "hello" at 128, an empty event section, `text` as the index.
    Returns (file bytes, offset of the index)."""
    b = B.V2()
    b.chunk(HELLO)
    b.section([])
    at = b.index(text)
    return b.build(), at


ENTRY = '{"offset":128,"length":5}'


def escapes(C):
    # Keys written with escapes the strict `string` rule of 4.1 does not allow, or allows.
    # `\U` and `\B` are not JSON escapes at all (RFC 8259 escapes are case-sensitive): the
    # index is not a JSON text (R-IDX-2, offset: the letter after the backslash, the first
    # byte that cannot continue a JSON text). Strict may blame the key form as well.
    for name, key in (("U0041", '"\\U0041"'), ("U001f", '"\\U001f"'), ("B", '"\\B"'),
                      ("N", '"a\\Nb"'), ("U00e9_in_key", '"caf\\U00e9"')):
        data, at = idx_file("{%s:%s}" % (key, ENTRY))
        letter = key.index("\\") + 1
        bad = at + 1 + letter
        C.read(f"key_escape_{name}", data, f"key {key}: \\{key[letter]} is not a JSON escape "
               "(escape letters are case-sensitive), so the index is not JSON",
               ("R-IDX-2", "R-IDX-6"), "R-IDX-2", at={"compat": ("R-IDX-2", bad)})
    # Long forms and uppercase hex: JSON, but not the strict form (R-IDX-6, at the key token);
    # compat decodes them.
    for name, key, text, what in (
            ("u001F", '"\\u001F"', "\x1f", "uppercase hex digit F"),
            ("u000B", '"\\u000B"', "\x0b", "uppercase hex digit B"),
            ("u0008", '"\\u0008"', "\b", "the long form of \\b"),
            ("u0009", '"\\u0009"', "\t", "the long form of \\t"),
            ("u000a", '"\\u000a"', "\n", "the long form of \\n"),
            ("u000c", '"\\u000c"', "\f", "the long form of \\f"),
            ("u000d", '"\\u000d"', "\r", "the long form of \\r"),
            ("u0020", '"\\u0020"', " ", "an escape for U+0020, which is not a control"),
            ("u0009_in_key", '"a\\u0009b"', "a\tb", "the long form of \\t inside a key")):
        data, at = idx_file("{%s:%s}" % (key, ENTRY))
        C.read(f"key_escape_{name}", data, f"key {key}: {what}; the strict grammar (4.1, "
               "1.0.1: ctl-hex excludes the five short forms, hex is lowercase) rejects it, "
               "compat decodes it", "R-IDX-6", ACCEPT, ["R-IDX-11"], kv={text: HELLO},
               at={"strict": ("R-IDX-6", at + 1)})
    # The lowercase \u00XX escapes that the strict grammar requires.
    for name, key, text in (("u001f", '"\\u001f"', "\x1f"), ("u000b", '"\\u000b"', "\x0b"),
                            ("u000e", '"\\u000e"', "\x0e"), ("u000f", '"\\u000f"', "\x0f"),
                            ("u0007", '"\\u0007"', "\x07"), ("u0010", '"\\u0010"', "\x10")):
        data, _ = idx_file("{%s:%s}" % (key, ENTRY))
        C.read(f"key_escape_{name}", data, f"key {key}: the required form of U+00{name[-2:]} "
               "(4.1 ctl-hex)", ACCEPT, ACCEPT, ["R-IDX-6"], kv={text: HELLO})


def duplicate_members(C):
    # Compat: the last occurrence of offset/length counts; earlier ones are ignored like any
    # other member, whatever their value (R-IDX-9, 1.0.1). Strict: not the entry form.
    for name, entry, what in (
            ("offset_1p5_then_valid", '{"offset":1.5,"offset":128,"length":5}', "1.5"),
            ("offset_string_then_valid", '{"offset":"x","offset":128,"length":5}', '"x"'),
            ("offset_negative_then_valid", '{"offset":-1,"offset":128,"length":5}', "-1"),
            ("offset_1e400_then_valid", '{"offset":1e400,"offset":128,"length":5}', "1e400"),
            ("offset_2p53_then_valid", '{"offset":9007199254740992,"offset":128,"length":5}',
             "2^53"),
            ("offset_outside_then_valid", '{"offset":999999,"offset":128,"length":5}',
             "999999 (outside the file)"),
            ("offset_object_then_valid", '{"offset":{"a":[1]},"offset":128,"length":5}',
             "an object"),
            ("length_1p5_then_valid", '{"offset":128,"length":1.5,"length":5}', "1.5"),
            ("length_huge_then_valid", '{"offset":128,"length":99999999999,"length":5}',
             "99999999999 (past the end of the file)"),
            ("escaped_offset_1p5_then_valid", '{"\\u006fffset":1.5,"offset":128,"length":5}',
             "1.5 under the name \\u006fffset (the same name after decoding)")):
        data, _ = idx_file('{"a":%s}' % entry)
        C.read(f"entry_{name}", data, f"entry {entry}: the earlier occurrence ({what}) is "
               "ignored, the last one counts (R-IDX-9); strict rejects the entry form",
               ("R-IDX-4", "R-IDX-5", "R-IDX-6"), ACCEPT, ["R-IDX-9", "R-IDX-10"],
               kv={"a": HELLO})
    # The occurrence that counts must be valid: rejected at its number token (R-IDX-10).
    for name, entry, num in (("offset_valid_then_1p5", '{"offset":128,"offset":1.5,"length":5}',
                              "1.5"),
                             ("length_valid_then_negative",
                              '{"offset":128,"length":5,"length":-1}', "-1")):
        data, at = idx_file('{"a":%s}' % entry)
        tok = at + len('{"a":') + entry.rindex(num)
        C.read(f"entry_{name}", data, f"entry {entry}: the last occurrence ({num}) counts and "
               "is not an integer in [0, 2^53-1]", ("R-IDX-4", "R-IDX-5"), "R-IDX-10",
               ["R-IDX-9"], at={"compat": ("R-IDX-10", tok)})
    # An ignored member is still JSON: more than 512 levels break R-IDX-2 wherever they are.
    deep = '{"offset":%s0%s,"offset":128,"length":5}' % ("[" * 511, "]" * 511)
    data, at = idx_file('{"a":%s}' % deep)
    C.read("entry_offset_too_deep_then_valid", data, "an ignored earlier offset member nests "
           "arrays to level 513 (index object 1, entry 2): R-IDX-2 still applies to it",
           ("R-IDX-2", "R-IDX-4"), "R-IDX-2", ["R-IDX-9"],
           at={"compat": ("R-IDX-2", at + len('{"a":{"offset":') + 510)})


def migration_refusals(C):
    # A refusal reports the rule the reader reports for the input (7.2, M-1, 1.0.1); M-1 is
    # reported, at offset 8, only for a file the reader accepts that is not version 1.
    v1 = canon_v1(entries([1], "1"))
    C.migrate("input_v2_valid", small(), "a valid v2 file: refused under M-1 at offset 8",
              "M-1", "M-1", at={"strict": ("M-1", 8), "compat": ("M-1", 8)})
    C.migrate("input_v2_reserved_nonzero", B.patch(small(), 100, b"\x01"), "a v2 file with a "
              "nonzero reserved byte: strict rejects it as a file (R-HDR-6 at 100), compat "
              "reads a valid v2 file (M-1 at 8)", "R-HDR-6", "M-1",
              at={"strict": ("R-HDR-6", 100), "compat": ("M-1", 8)})
    C.migrate("input_v2_incompatible_flag", B.patch_u32(small(), B.OFF_FLAGS, 0x20000),
              "a v2 file with incompatible flag bit 17: R-HDR-4 at 12, not M-1", "R-HDR-4",
              "R-HDR-4", at={"strict": ("R-HDR-4", 12), "compat": ("R-HDR-4", 12)})
    C.migrate("input_version_3", B.patch_u32(v1, B.OFF_VERSION, 3), "a file of version 3: "
              "R-HDR-3 at 8, not M-1", "R-HDR-3", "R-HDR-3",
              at={"strict": ("R-HDR-3", 8), "compat": ("R-HDR-3", 8)})
    C.migrate("input_shorter_than_64", v1[:40], "a 40-byte input: R-HDR-1 at the file size",
              "R-HDR-1", "R-HDR-1", at={"strict": ("R-HDR-1", 40), "compat": ("R-HDR-1", 40)})
    b = B.V1()
    b.chunk(b"x", key="a")
    at = b.index("[]")
    C.migrate("input_index_array", b.build(), "a v1 file whose index is [] : R-IDX-2 at the "
              "index's first byte, not M-1", "R-IDX-2", "R-IDX-2",
              at={"strict": ("R-IDX-2", at), "compat": ("R-IDX-2", at)})
    b = B.V1()
    b.chunk(log_value_of(1), key=lk(1), prefix=len(log_value_of(1)) + 1)
    at = b.index()
    C.migrate("input_chunk_length_mismatch", b.build(), "a v1 file whose chunk length field "
              "differs from the index length: strict refuses it under R-CHK-3 (at the member), "
              "compat migrates it", "R-CHK-3", ACCEPT,
              at={"strict": ("R-CHK-3", at + 1)}, base=0, n_events=1, kv_keys=set())


def log_value_of(i):
    return entry_text(i).encode()


def entry_names(C):
    # M-4 (1.0.1): member names are compared after decoding. Entries 1 and 3 are well-formed,
    # entry 2 varies; a malformed entry 2 stays in the map and id 2 becomes a gap event.
    keys_agent = set(AGENT)
    base = entry_text(2)
    well = (
        ("escaped_id", base.replace('"id":', '"\\u0069d":'), '"\\u0069d" (id)'),
        ("escaped_all_four", base.replace('"id":', '"\\u0069d":').replace('"ts":', '"\\u0074s":')
         .replace('"kind":', '"\\u006bind":').replace('"content_source":',
                                                       '"content\\u005fsource":'),
         "all of id, ts, kind, content_source escaped"),
        ("escaped_uppercase_hex", base.replace('"kind":', '"\\u006Bind":'),
         '"\\u006Bind" (kind, uppercase hex)'),
        ("escaped_flags", base[:-1] + ',"fl\\u0061gs":1}', '"fl\\u0061gs":1 (flags 1)'))
    for name, text, what in well:
        C.migrate(f"entry_{name}", canon_v1(entries([1, 3], "3", {lk(2): text.encode()})),
                  f"entry 2 names {what}: the same member after decoding, so the entry is "
                  "well-formed and becomes event 2", ACCEPT, ACCEPT, ["M-4", "M-5"], base=0,
                  n_events=3, kv_keys=keys_agent, gaps=0)
    bad = (
        ("id_and_escaped_id", base[:-1] + ',"\\u0069d":2}', 'both "id" and "\\u0069d": id twice'),
        ("flags_and_escaped_flags", base[:-1] + ',"flags":1,"fl\\u0061gs":1}',
         'both "flags" and "fl\\u0061gs": flags twice'),
        ("escaped_slash_ts", base.replace('"ts":', '"t\\/s":'),
         '"t\\/s" (decodes to t/s, not ts): no ts'),
        ("id_with_nul", base.replace('"id":', '"id\\u0000":'), '"id\\u0000": no id'))
    for name, text, what in bad:
        C.migrate(f"malformed_{name}", canon_v1(entries([1, 3], "3", {lk(2): text.encode()})),
                  f"entry 2 names {what}; malformed after decoding, it stays in the map and id "
                  "2 becomes a gap event", ACCEPT, ACCEPT, ["M-4", "M-7"], base=0, n_events=3,
                  kv_keys=keys_agent | {lk(2)}, gaps=1)


def seq_bounds(C):
    # M-6 (1.0.1): S is defined only by a `uint`, whose value is at most 2^53-1 (4.1). A
    # defined S above 2^32-1 cannot become evt_base_id (M-8); an undefined one leaves the key.
    keys_agent = set(AGENT)
    only = canon_v1({**AGENT, SEQ: b"9007199254740991"})
    C.migrate("seq_only_2p53m1", only, "no entries, meta/log_entry_seq 2^53-1: a uint, so S is "
              "defined, and evt_base_id = S does not fit a u32: refused (M-8, at the file "
              "size)", "M-8", "M-8", ["M-6"],
              at={"strict": ("M-8", len(only)), "compat": ("M-8", len(only))})
    for name, seq, what in (("2p53", "9007199254740992", "2^53"),
                            ("2p53p1", "9007199254740993", "2^53+1"),
                            ("2p64", "18446744073709551616", "2^64 (0 modulo 2^64)"),
                            ("2p64p1", "18446744073709551617", "2^64+1 (1 modulo 2^64)"),
                            ("10p30", "1" + "0" * 30, "10^30")):
        C.migrate(f"seq_only_{name}", canon_v1({**AGENT, SEQ: seq.encode()}), "no entries, "
                  f"meta/log_entry_seq {what}: not a uint (above 2^53-1), so S is undefined: "
                  "evt_base_id 0 and the key stays", ACCEPT, ACCEPT, ["M-6", "M-7"], base=0,
                  n_events=0, kv_keys=keys_agent | {SEQ})
    for name, seq, what in (("2p53p1", "9007199254740993", "2^53+1"),
                            ("2p64p2", "18446744073709551618", "2^64+2 (2 modulo 2^64)")):
        C.migrate(f"seq_{name}", canon_v1(entries([1, 2], seq)), "entries 1, 2 and "
                  f"meta/log_entry_seq {what}: S is undefined, two events, the key stays",
                  ACCEPT, ACCEPT, ["M-6", "M-7"], base=0, n_events=2, kv_keys=keys_agent | {SEQ})


DUMP = '{"format_version":%d,"flags":0,"evt_base_id":"%d","kv":%s,"events":%s}\n'


def ev_line(eid, payload_hex, utf8=None, ts=1):
    s = ('{"id":"%d","ts":"%d","kind":1,"source":2,"flags":0,"payload_hex":"%s"'
         % (eid, ts, payload_hex))
    return s + (',"payload_utf8":%s}' % utf8 if utf8 is not None else "}")


def arr(*lines):
    return "[\n" + ",\n".join(lines) + "\n]" if lines else "[]"


def dump(kv=(), events=(), base=0, version=2):
    return (DUMP % (version, base, arr(*kv), arr(*events))).encode()


def writer_input(C):
    # W-CAN-4 (1.0.1): a dump that is the dump of no content is refused, under the D rule it
    # breaks; nothing is written.
    P = '"{}"'
    for name, text, what in (
            ("value_utf8_missing", dump(['{"key":"a","value_hex":"78"}']),
             "value_utf8 is missing for the valid UTF-8 bytes 78"),
            ("value_utf8_contradicts_hex", dump(['{"key":"a","value_hex":"78","value_utf8":"y"}']),
             'value_utf8 "y" for the bytes 78 ("x")'),
            ("value_utf8_for_invalid_bytes",
             dump(['{"key":"a","value_hex":"ff","value_utf8":"\ufffd"}']),
             "value_utf8 (U+FFFD) for the bytes ff, which are not UTF-8"),
            ("payload_utf8_missing", dump(events=[ev_line(1, "7b7d")]),
             "payload_utf8 is missing for the valid UTF-8 payload {}"),
            ("payload_utf8_contradicts_hex", dump(events=[ev_line(1, "7b7d", '"[]"')]),
             'payload_utf8 "[]" for the payload bytes of {}')):
        C.write(name, text, f"a dump whose {what}: not the dump of any content (D-2); the "
                "writer refuses it (W-CAN-4)", "D-2")
    for name, text, what in (
            ("event_id_not_base_plus_1", dump(events=[ev_line(2, "7b7d", P)]),
             "first event has id 2 with evt_base_id 0"),
            ("event_id_ignores_base", dump(events=[ev_line(1, "7b7d", P)], base=5),
             "first event has id 1 with evt_base_id 5 (its id is 6)"),
            ("event_ids_swapped", dump(events=[ev_line(2, "7b7d", P), ev_line(1, "7b7d", P)]),
             "events have ids 2, 1 (ids follow section order)")):
        C.write(name, text, f"a dump whose {what}: ids are evt_base_id + position + 1 "
                "(R-EVT-10), so this is the dump of no content (D-6); refused (W-CAN-4)", "D-6")
    C.write("event_ids_from_base_5", dump(events=[ev_line(6, "7b7d", P, ts=1),
                                                  ev_line(7, "7b7d", P, ts=2)], base=5),
            "evt_base_id 5 and events with ids 6, 7: written (the ids are not stored, they "
            "follow from the base)", ACCEPT, ["W-CAN-4", "R-EVT-10"])
    for name, text, what in (
            ("v1_dump_with_events", dump(events=[ev_line(1, "7b7d", P)], version=1),
             "format_version 1 and one event"),
            ("v1_dump_with_base", dump(base=5, version=1), 'format_version 1 and evt_base_id "5"'),
            ("v1_dump_with_base_and_events", dump(events=[ev_line(6, "7b7d", P)], base=5,
                                                  version=1),
             'format_version 1, evt_base_id "5" and the event 6')):
        C.write(name, text, f"a dump with {what}: a v1 file has no events and evt_base_id 0 "
                "(D-7); writing it as v1 would lose them, so it is refused (W-CAN-4)", "D-7")
    # A writer takes exactly the bytes of section 11 (1.0.1): a JSON library's parse accepts
    # each of these, and each is the dump of no content. The mistake each catches is named.
    good = ['{"key":"a","value_hex":"2f09","value_utf8":"/\\t"}',
            '{"key":"b","value_hex":"","value_utf8":""}']
    for name, kv, extra, rule, what in (
            ("dump_escaped_slash", ['{"key":"a","value_hex":"2f09","value_utf8":"\\/\\t"}',
                                    good[1]], b"", "D-5",
             'value_utf8 "\\/\\t": a JSON parser decodes \\/ to /, but 4.1 writes / as '
             "itself"),
            ("dump_u_escape_tab", [good[0].replace("\\t", "\\u0009"), good[1]], b"", "D-5",
             'value_utf8 "/\\u0009": 4.1 writes a tab as \\t, never \\u0009'),
            ("dump_kv_unsorted", [good[1], good[0]], b"", "D-6",
             'the keys "b", "a": kv is sorted by key bytes'),
            ("dump_bytes_after_end", good, b"\n", "D-1",
             "one more LF after the final one: the dump ends with `}` and one LF")):
        C.write(name, dump(kv) + extra, f"a dump with {what} ({rule}); refused (W-CAN-4: a writer "
                "takes exactly the text of section 11)", rule)
    C.write("dump_slash_and_tab", dump(good), 'the same dump spelled as section 11 writes it '
            '("/\\t", keys in order, one final LF): written', ACCEPT, ["W-CAN-4", "D-5"])


def lone_name_offsets(C):
    # R-IDX-11 (7.2, 1.0.1): of several member names with an unpaired surrogate, the offset is
    # the first in index order (document order), nested names included: a reader that checks
    # the keys first, or walks the entries from the last, reports a later one.
    E = '{"offset":128,"length":5,"\\ud800":1}'
    for name, text, what in (
            ("lone_names_in_repeated_key", '{"a":%s,"a":%s}' % (E, E),
             'the key "a" twice, each entry with a member named "\\ud800"'),
            ("lone_name_nested_before_key", '{"a":%s,"\\ud801":%s}' % (E, ENTRY),
             'the entry of "a" has a member named "\\ud800", the next key is "\\ud801"')):
        data, at = idx_file(text.encode())
        first = at + text.encode().index(b'"\\ud800"')
        C.read(name, data, f"{what}: compat rejects (R-IDX-11) at the first such name in the "
               f"index, byte {first}", ("R-IDX-4", "R-IDX-6", "R-IDX-7"), "R-IDX-11",
               at={"compat": ("R-IDX-11", first)})


def top_level_not_object(C):
    # R-IDX-2 (7.2, 1.0.1): the offset is the first byte at which the index stops being the
    # start of a JSON text whose value is an object; for a top-level value that is not an
    # object, complete or not, that is its first byte.
    for name, text in (
            ("array_empty", b"[]"), ("array", b"[1]"), ("string", b'"a"'), ("number", b"0"),
            ("null", b"null"), ("true", b"true"), ("array_unclosed", b"["),
            ("array_bad", b"[}"), ("array_deep", b"[" * 600 + b"]" * 600)):
        data, at = idx_file(text)
        C.read(f"index_top_{name}", data, f"the index is {text[:12]!r}: a complete or partial "
               "JSON value that is not an object; rejected at its first byte", "R-IDX-2",
               "R-IDX-2", at={"strict": ("R-IDX-2", at), "compat": ("R-IDX-2", at)})
    # compat skips a BOM and whitespace first; strict also breaks R-IDX-3 there.
    for name, text, skip in (("space_array", b" []", 1), ("bom_array", b"\xef\xbb\xbf[]", 3),
                             ("bom_lf_array", b"\xef\xbb\xbf\n[]", 4)):
        data, at = idx_file(text)
        C.read(f"index_top_{name}", data, f"the index is {text!r}: compat skips the BOM and "
               "whitespace and rejects at the [", ("R-IDX-2", "R-IDX-3"), "R-IDX-2",
               at={"compat": ("R-IDX-2", at + skip)})
    # After a complete object: the first byte after it; an index that ends early: its end.
    for name, text, bad in (("object_then_array", b"{}[]", 2), ("object_then_x", b"{}x", 2),
                            ("empty_text", b"", 0), ("open_brace", b"{", 1),
                            ("object_then_nul", b"{}\x00", 2)):
        data, at = idx_file(text)
        C.read(f"index_top_{name}", data, f"the index is {text!r}: rejected at byte {bad} of "
               "the index", "R-IDX-2", "R-IDX-2",
               at={"strict": ("R-IDX-2", at + bad), "compat": ("R-IDX-2", at + bad)})
    data, at = idx_file(b"{} []")
    C.read("index_top_object_space_array", data, "the index is '{} []': compat rejects at the "
           "[ after the whitespace", ("R-IDX-2", "R-IDX-3"), "R-IDX-2",
           at={"compat": ("R-IDX-2", at + 3)})


def cases():
    C = Cases("clarify_101")
    escapes(C)
    duplicate_members(C)
    migration_refusals(C)
    entry_names(C)
    seq_bounds(C)
    writer_input(C)
    lone_name_offsets(C)
    top_level_not_object(C)
    return C
