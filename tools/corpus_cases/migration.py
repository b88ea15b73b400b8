"""migration/: v1 -> v2 migration (10, M-1..M-9). Each case is a v1 input; the expected v2
bytes (canonical, M-9) and their dump come from pyacepack.migrate, and the generator checks
them against what we expect from section 10 (evt_base_id, event count, gaps, keys kept)."""

import json

from . import binfmt as B
from .common import TS0, canon_v1
from .model import ACCEPT, EITHER, Cases
from .v1 import log_value

AGENT = {"knowledge/agents/ops/AGENT.md": b"# Ops\nBe careful."}
SEQ = "meta/log_entry_seq"


def lk(i):
    """The log key of id i (M-3, 6.1): 12-digit zero padding, more digits unpadded."""
    return "core/log/%012d" % i


def entries(ids, seq=None, extra=None, **value_kw):
    kv = dict(AGENT)
    for i in ids:
        kv[lk(i)] = log_value(i, **value_kw)
    if seq is not None:
        kv[SEQ] = seq.encode() if isinstance(seq, str) else seq
    kv.update(extra or {})
    return kv


def entry_text(i, **over):
    """An entry value as JSON text with members overridden (None removes a member)."""
    obj = {"kind": 1, "content_source": 2, "key": "k", "payload": {"i": i}, "id": i,
           "ts": TS0 + i}
    for k, v in over.items():
        if v is None:
            obj.pop(k, None)
        else:
            obj[k] = v
    return json.dumps(obj, separators=(",", ":"))


def cases():
    C = Cases("migration")
    keys_agent = set(AGENT)

    C.migrate("empty", canon_v1({}), "the empty v1 file becomes the empty v2 store",
              ACCEPT, ACCEPT, ["M-6", "M-9"], base=0, n_events=0, kv_keys=set())
    C.migrate("no_log", canon_v1({"a": b"1", "b/c": b"2", "": b""}), "keys only, no log "
              "entries and no meta/log_entry_seq: no events, evt_base_id 0, every key kept",
              ACCEPT, ACCEPT, ["M-6", "M-7"], base=0, n_events=0, kv_keys={"a", "b/c", ""})
    C.migrate("contiguous", canon_v1(entries([1, 2, 3], "3")), "entries 1..3 and "
              "meta/log_entry_seq 3: three events, both log keys and the seq key leave the map",
              ACCEPT, ACCEPT, ["M-5", "M-6", "M-7"], base=0, n_events=3, kv_keys=keys_agent,
              gaps=0)
    C.migrate("gaps", canon_v1(entries([1, 2, 5], "5")), "entries 1, 2, 5: ids 3 and 4 become "
              "gap events", ACCEPT, ACCEPT, ["M-6"], base=0, n_events=5, kv_keys=keys_agent,
              gaps=2)
    C.migrate("first_id_4", canon_v1(entries([4, 5], "5")), "entries 4 and 5: evt_base_id 3, "
              "ids are preserved", ACCEPT, ACCEPT, ["M-6"], base=3, n_events=2,
              kv_keys=keys_agent, gaps=0)
    C.migrate("seq_above_max", canon_v1(entries([1, 2], "4")), "entries 1, 2 and "
              "meta/log_entry_seq 4: ids 3 and 4 become trailing gap events so the next id is 5",
              ACCEPT, ACCEPT, ["M-6"], base=0, n_events=4, kv_keys=keys_agent, gaps=2)
    C.migrate("seq_below_max", canon_v1(entries([1, 2, 3], "2")), "meta/log_entry_seq 2 is "
              "smaller than the largest id 3: S is undefined and the seq key stays in the map",
              ACCEPT, ACCEPT, ["M-6", "M-7"], base=0, n_events=3, kv_keys=keys_agent | {SEQ},
              gaps=0)
    C.migrate("seq_absent", canon_v1(entries([1, 2])), "entries 1 and 2, no "
              "meta/log_entry_seq", ACCEPT, ACCEPT, ["M-6"], base=0, n_events=2,
              kv_keys=keys_agent)
    for name, seq, what in (("seq_leading_zero", "05", "05"), ("seq_fraction", "5.0", "5.0"),
                            ("seq_exponent", "5e0", "5e0"), ("seq_space", " 5", "' 5'"),
                            ("seq_newline", "5\n", "'5\\n'"), ("seq_negative", "-1", "-1"),
                            ("seq_string", '"5"', 'the JSON string "5"'),
                            ("seq_empty", "", "empty"), ("seq_null", "null", "null"),
                            ("seq_2p53", "9007199254740992", "2^53 (above the uint maximum)")):
        C.migrate(name, canon_v1(entries([1, 2], seq)), f"entries 1, 2 and meta/log_entry_seq "
                  f"{what}: not exactly a uint, so S is undefined; the key stays", ACCEPT,
                  ACCEPT, ["M-6", "M-7"], base=0, n_events=2, kv_keys=keys_agent | {SEQ})
    C.migrate("seq_only_5", canon_v1({**AGENT, SEQ: b"5"}), "no entries, meta/log_entry_seq 5: "
              "no events, evt_base_id 5, the seq key is consumed", ACCEPT, ACCEPT,
              ["M-6", "M-7"], base=5, n_events=0, kv_keys=keys_agent)
    C.migrate("seq_only_0", canon_v1({**AGENT, SEQ: b"0"}), "no entries, meta/log_entry_seq 0",
              ACCEPT, ACCEPT, ["M-6", "M-7"], base=0, n_events=0, kv_keys=keys_agent)
    C.migrate("seq_only_2p32m1", canon_v1({**AGENT, SEQ: b"4294967295"}), "no entries, "
              "meta/log_entry_seq 2^32-1: evt_base_id 4294967295", ACCEPT, ACCEPT, ["M-6", "M-8"],
              base=B.MAX32, n_events=0, kv_keys=keys_agent)
    C.migrate("seq_only_2p32", canon_v1({**AGENT, SEQ: b"4294967296"}), "no entries, "
              "meta/log_entry_seq 2^32: evt_base_id would not fit a u32", "M-8", "M-8")
    C.migrate("first_id_2p32", canon_v1(entries([2**32])), "one entry with id 2^32 (key "
              "core/log/004294967296): evt_base_id 2^32-1, the event keeps id 2^32", ACCEPT,
              ACCEPT, ["M-6", "M-8"], base=B.MAX32, n_events=1, kv_keys=keys_agent)
    C.migrate("first_id_2p32p1", canon_v1(entries([2**32 + 1])), "one entry with id 2^32+1: "
              "evt_base_id 2^32 does not fit", "M-8", "M-8")
    C.migrate("log_key_13_digits", canon_v1(entries([10**12])), "one entry with id 10^12 "
              "under core/log/1000000000000 (13 digits, unpadded: a log key): evt_base_id "
              "10^12-1 does not fit", "M-8", "M-8", ["M-3"])
    C.migrate("seq_2p32_events", canon_v1(entries([1], "4294967296")), "entry 1 and "
              "meta/log_entry_seq 2^32: 2^32 events (more than 2^32-1)", "M-8", "M-8",
              ["W-EVT-3"])
    C.migrate("seq_2p53m1_events", canon_v1(entries([1], "9007199254740991")), "entry 1 and "
              "meta/log_entry_seq 2^53-1: far more than 2^32-1 events (a migrator must refuse "
              "without creating them)", "M-8", "M-8", ["W-EVT-3"])
    C.migrate("gap_limit_exceeded", canon_v1(entries([1, 1048579])), "entries 1 and 1,048,579: "
              "1,048,577 gap events. A migrator MAY refuse above a documented limit (M-8; the "
              "reference refuses above 1,048,576); one that accepts writes ~38 MB",
              EITHER, EITHER, ["M-8"])
    C.migrate("gaps_98", canon_v1(entries([1, 100], "100")), "entries 1 and 100: 98 gap "
              "events", ACCEPT, ACCEPT, ["M-6", "M-8"], base=0, n_events=100,
              kv_keys=keys_agent, gaps=98)

    # M-3: what is a log key. Each file has well-formed entries 1 and 2 plus the odd key,
    # whose value is a well-formed-looking entry; only real log keys leave the map.
    for name, key, ident, what in (
            ("not_log_key_seq", "core/log/__seq", 3, "core/log/__seq"),
            ("not_log_key_unpadded", "core/log/7", 7, "core/log/7 (not padded)"),
            ("not_log_key_13_padded", "core/log/0000000000007", 7, "13 digits with padding"),
            ("not_log_key_11_digits", "core/log/00000000007", 7, "11 digits"),
            ("not_log_key_id_0", "core/log/000000000000", 0, "id 0"),
            ("not_log_key_sign", "core/log/+00000000007", 7, "a plus sign"),
            ("not_log_key_hex", "core/log/00000000000a", 10, "a hex digit"),
            ("not_log_key_suffix", "core/log/000000000007x", 7, "a suffix"),
            ("not_log_key_arabic_digits", "core/log/" + "\u0660" * 11 + "\u0667", 7,
             "Arabic-Indic digits (not ASCII decimal digits)"),
            ("not_log_key_fullwidth", "core/log/" + "\uff10" * 11 + "\uff17", 7,
             "fullwidth digits"),
            ("not_log_key_empty", "core/log/", 7, "nothing after the prefix"),
            ("not_log_key_nested", "core/log/000000000007/x", 7, "a sub-path"),
            ("not_log_key_prefix_case", "Core/log/000000000007", 7, "a capital C")):
        kv = entries([1, 2], "2", {key: entry_text(ident).encode()})
        C.migrate(name, canon_v1(kv), f"entries 1, 2 and the key {what}: not a log key, so "
                  "it stays in the map", ACCEPT, ACCEPT, ["M-3", "M-7"], base=0, n_events=2,
                  kv_keys=keys_agent | {key})

    # M-4: well-formed or malformed. Entries 1 and 3 are well-formed; entry 2 varies. A
    # malformed entry 2 stays in the map and id 2 becomes a gap event.
    well = [
        ("flags_null", entry_text(2)[:-1] + ',"flags":null}', "flags null"),
        ("flags_1", entry_text(2, flags=1), "flags 1 (deleted)"),
        ("flags_255", entry_text(2, flags=255), "flags 255"),
        ("ts_exponent", entry_text(2).replace('"ts":%d' % (TS0 + 2), '"ts":1.700000000002e12'),
         "ts 1.700000000002e12 (an exact integer)"),
        ("id_fraction", entry_text(2).replace('"id":2', '"id":2.0'), "id 2.0 (exact value 2)"),
        ("id_exponent", entry_text(2).replace('"id":2', '"id":0.2e1'), "id 0.2e1"),
        ("kind_fraction", entry_text(2).replace('"kind":1', '"kind":1.0'), "kind 1.0"),
        ("ts_max", entry_text(2, ts=B.MAX53), "ts 2^53-1"),
        ("ts_0", entry_text(2, ts=0), "ts 0"),
        ("kind_source_255", entry_text(2, kind=255, content_source=255), "kind and "
         "content_source 255"),
        ("no_key_payload", entry_text(2, key=None, payload=None), "no key and no payload "
         "members"),
        ("extra_members", entry_text(2, parent_id=1, note="x", nested={"a": [1]}),
         "parent_id and extra members (kept in the payload)"),
        ("whitespace", ' { "kind" : 1 , "content_source" : 2 , "id" : 2 , "ts" : %d }\n'
         % (TS0 + 2), "whitespace inside (the payload keeps the exact bytes)"),
        ("member_order", '{"ts":%d,"id":2,"content_source":2,"kind":1}' % (TS0 + 2),
         "members in another order"),
        ("dup_other_member", '{"kind":1,"content_source":2,"key":"a","key":"b","id":2,"ts":%d}'
         % (TS0 + 2), "a duplicated 'key' member (only id/ts/kind/content_source/flags must be "
         "unique)"),
        ("lone_surrogate_string", '{"kind":1,"content_source":2,"key":"\\ud800","id":2,'
         '"ts":%d}' % (TS0 + 2), "a lone surrogate escape in 'key' (allowed in payloads)"),
    ]
    for name, text, what in well:
        kv = entries([1, 3], "3", {lk(2): text.encode()})
        C.migrate(f"entry_{name}", canon_v1(kv), f"entry 2 with {what}: well-formed, it "
                  "becomes event 2", ACCEPT, ACCEPT, ["M-4", "M-5"], base=0, n_events=3,
                  kv_keys=keys_agent, gaps=0)
    bad = [
        ("not_json", b'{"kind":1,', "invalid JSON"),
        ("not_object", b"[1,2]", "a JSON array"),
        ("invalid_utf8", b'{"kind":1,"content_source":2,"key":"\xff","id":2,"ts":1}',
         "invalid UTF-8"),
        ("depth_513", ('{"kind":1,"content_source":2,"id":2,"ts":1,"p":%s%s}'
                       % ("[" * 512, "]" * 512)).encode(), "513 levels of nesting"),
        ("id_missing", entry_text(2, id=None).encode(), "no id"),
        ("ts_missing", entry_text(2, ts=None).encode(), "no ts"),
        ("kind_missing", entry_text(2, kind=None).encode(), "no kind"),
        ("source_missing", entry_text(2, content_source=None).encode(), "no content_source"),
        ("id_mismatch", entry_text(2, id=7).encode(), "id 7 under the key of id 2"),
        ("id_string", entry_text(2, id="2").encode(), 'id "2" (a string)'),
        ("id_twice", entry_text(2)[:-1].encode() + b',"id":2}', "id twice"),
        ("ts_twice", entry_text(2)[:-1].encode() + b',"ts":5}', "ts twice"),
        ("flags_twice", entry_text(2, flags=1)[:-1].encode() + b',"flags":1}', "flags twice"),
        ("ts_negative", entry_text(2, ts=-1).encode(), "ts -1"),
        ("ts_2p53", entry_text(2, ts=2**53).encode(), "ts 2^53"),
        ("ts_fraction", entry_text(2).replace('"ts":%d' % (TS0 + 2),
                                              '"ts":1.5').encode(), "ts 1.5"),
        ("ts_string", entry_text(2, ts="1700000000002").encode(), "ts as a string"),
        ("kind_256", entry_text(2, kind=256).encode(), "kind 256"),
        ("source_negative", entry_text(2, content_source=-1).encode(), "content_source -1"),
        ("flags_256", entry_text(2, flags=256).encode(), "flags 256"),
        ("flags_string", entry_text(2, flags="1").encode(), 'flags "1"'),
        ("flags_true", entry_text(2, flags=True).encode(), "flags true"),
        ("kind_null", entry_text(2)[:-1].replace('"kind":1', '"kind":null').encode() + b"}",
         "kind null"),
        ("id_near_2", entry_text(2).replace('"id":2', '"id":2.0000000000000000001').encode(),
         "id 2.0000000000000000001 (JSON.parse: 2; the exact value counts)"),
        ("empty_value", b"", "an empty value"),
    ]
    for name, raw, what in bad:
        kv = entries([1, 3], "3", {lk(2): raw})
        C.migrate(f"malformed_{name}", canon_v1(kv), f"entry 2 with {what}: malformed, it "
                  "stays in the map and id 2 becomes a gap event", ACCEPT, ACCEPT,
                  ["M-4", "M-7"], base=0, n_events=3, kv_keys=keys_agent | {lk(2)}, gaps=1)
    kv = {**AGENT, lk(1): b"not json", lk(2): b"[]", SEQ: b"2"}
    C.migrate("only_malformed", canon_v1(kv), "entries 1 and 2 are both malformed and "
              "meta/log_entry_seq is 2: no well-formed entry, so no events, evt_base_id = S = 2 "
              "and the malformed entries stay", ACCEPT, ACCEPT, ["M-4", "M-6", "M-7"], base=2,
              n_events=0, kv_keys=keys_agent | {lk(1), lk(2)})

    # M-1: the input must validate (strict, or compat when asked). A refusal reports the
    # reader's rule (spec 7.2, 1.0.1); M-1 itself only for a valid file of version 2.
    bad_ws = B.V1()
    bad_ws.chunk(log_value(1), key=lk(1))
    bad_ws.index('{ "%s": {"offset":64,"length":%d} }' % (lk(1), len(log_value(1))))
    C.migrate("input_index_whitespace", bad_ws.build(), "a v1 file whose index has whitespace: "
              "strict refuses it (R-IDX-3, not M-1), compat migrates it", "R-IDX-3", ACCEPT,
              base=0, n_events=1, kv_keys=set())
    C.migrate("input_reserved_nonzero", B.patch(canon_v1(entries([1], "1")), 40, b"\x01"),
              "a v1 file with a nonzero reserved byte", "R-V1-1", ACCEPT, base=0,
              n_events=1, kv_keys=keys_agent)
    C.migrate("input_bad_magic", B.patch(canon_v1(entries([1])), 0, b"X"), "a v1 file with a "
              "bad magic", "R-HDR-2", "R-HDR-2")
    C.migrate("input_truncated", canon_v1(entries([1]))[:-1], "a v1 file without its last "
              "byte", "R-LAY-1", "R-LAY-1")
    from .common import small
    C.migrate("input_is_v2", small(), "a valid v2 file: not a v1 file", "M-1", "M-1")
    C.migrate("input_compatible_flag", B.patch_u32(canon_v1(entries([1, 2], "2")),
                                                   B.OFF_FLAGS, 1),
              "a v1 file with compatible flag bit 0: migrated, the output's flags word is 0",
              ACCEPT, ACCEPT, ["M-9", "R-HDR-4"], base=0, n_events=2, kv_keys=keys_agent)

    # The v1 file the JS 0.1.0 store writes (js/y_v1_session): migrated without loss, unlike
    # what 0.2.0 makes of it (js/n_v2_migrated_from_v1).
    from .js import js_v1_session
    C.migrate("from_js_0_1_0", js_v1_session(), "the file js/y_v1_session (written by 0.1.0): "
              "both entries become events 1 and 2 with their full entry as payload, the agent "
              "file keeps its bytes (0.2.0 zeroes it, js/n_v2_migrated_from_v1)", ACCEPT,
              ACCEPT, ["M-5", "M-6", "M-7"], base=0, n_events=2,
              kv_keys={"knowledge/agents/ops/AGENT.md", "knowledge/skills/deploy/SKILL.md"},
              gaps=0)

    # Canonical output order (M-9, W-CAN-1) with awkward keys kept in the map.
    kv = entries([1], "1", {"7": b"", "01": b"", "-1": b"", "\u00e9": b"", "\U0001f600": b"",
                            "\uffff": b"", "42": b"x"})
    C.migrate("output_key_order", canon_v1(kv), "integer-like and non-ASCII keys stay in the "
              "map and come out in W-CAN-1 order", ACCEPT, ACCEPT, ["M-9", "W-CAN-1"], base=0,
              n_events=1, kv_keys=set(kv) - {lk(1), SEQ})
    return C
