"""js/: files exactly as the JavaScript stores write them (0.2.0: format v2, 0.1.0: format
v1), built with pyacepack's byte-exact emulator (pyacepack.js) from realistic sequences of
calls. Their verdicts are read from the spec like every other case: JS files are usually
valid but not canonical; a crash between set() and commit(), and 0.2.0's migration of a v1
file, produce files the spec rejects or reads with the data already lost."""

import json
import os
import sys

from . import binfmt as B
from .common import TS0, canon
from .model import ACCEPT, Cases

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from pyacepack import js  # noqa: E402

AGENT_MD = b"# Ops\nBe careful."


def _agent(s, agent, file, content, ts, source=1):
    """setAgentInstruction(): setBlob then appendEntry(kind AgentInstruction = 1)."""
    key = f"knowledge/agents/{agent}/{file}"
    s.set(key, content)
    s.append_entry(ts, kind=1, content_source=source, key=key,
                   payload_json=json.dumps({"agent": agent, "file": file,
                                            "length": len(content.decode())}))


def _skill(s, skill, file, content, ts, source=1):
    key = f"knowledge/skills/{skill}/{file}"
    s.set(key, content)
    s.append_entry(ts, kind=2, content_source=source, key=key,
                   payload_json=json.dumps({"skill": skill, "file": file,
                                            "length": len(content.decode())}))


def _session_v2(s, t0=TS0):
    _agent(s, "ops", "AGENT.md", AGENT_MD, t0)
    _skill(s, "deploy", "SKILL.md", b"# Deploy\n1. build\n2. ship\n", t0 + 1)
    s.set("topology/agents", b'[{"name":"ops","role":"operator"}]')
    s.append_entry(t0 + 2, kind=3, content_source=3, key="topology/agents",
                   payload_json='{"count":1}', parent_id_json="1")


def js_v1_session():
    """0.1.0: new store, setAgentInstruction, setSkillContent, close()."""
    v1 = js.StoreV1.new()
    _agent(v1, "ops", "AGENT.md", AGENT_MD, TS0)
    _skill(v1, "deploy", "SKILL.md", b"# Deploy\n1. build\n2. ship\n", TS0 + 1)
    v1.close()
    return v1.data


def cases():
    C = Cases("js")

    # ---------------------------------------------------------------- 0.2.0 (format v2)
    s = js.StoreV2.new()
    C.read("v2_new_store", s.data, "open() of a new path: the 138-byte empty store (equal to "
           "the canonical empty file)", ACCEPT, ACCEPT, ["W-CAN-4"], kv={}, n_events=0)
    s = js.StoreV2.new()
    _session_v2(s)
    s.close()
    C.read("v2_session", s.data, "a new store, setAgentInstruction, setSkillContent, "
           "setTopology with an entry, close(): chunks in insertion order, 3 events",
           ACCEPT, ACCEPT, ["R-CHK-2", "R-EVT-10"], n_events=3)
    session = s.data

    s = js.StoreV2.new()
    for k in ("b", "7", "a", "42", "01", "4294967295", "4294967294"):
        s.set(k, k.encode())
    s.close()
    C.read("v2_integer_like_keys", s.data, "keys set in the order b, 7, a, 42, 01, 4294967295, "
           "4294967294: JSON.stringify lists 7, 42, 4294967294 first, then the others in "
           "insertion order", ACCEPT, ACCEPT, ["W-CAN-1", "R-IDX-4"])

    s = js.StoreV2.new()
    s.set("state/x", b"1")
    s.commit()
    s.set("state/x", b"22")
    s.append_entry(TS0, kind=4, content_source=3, key="state/x", payload_json="2")
    s.commit()
    s.set("state/x", b"333")
    s.close()
    C.read("v2_overwrites", s.data, "one key set three times with commits between: the old "
           "chunks and the event sections of earlier commits are dead space", ACCEPT, ACCEPT,
           ["R-CHK-2", "W-COMMIT-2"], kv={"state/x": b"333"}, n_events=1)

    s = js.StoreV2.new()
    s.set("a", b"alpha")
    s.set("b", b"beta")
    s.commit()
    s.delete("a")
    s.close()
    C.read("v2_delete", s.data, "two keys, commit, delete one, close: its chunk is dead "
           "space", ACCEPT, ACCEPT, ["R-CHK-2"], kv={"b": b"beta"}, n_events=0)

    s = js.StoreV2.open(session)
    s.set("state/run", b'{"n":2}')
    s.append_entry(TS0 + 10, kind=4, content_source=3, key="state/run",
                   payload_json='{"n":2}')
    s.close()
    C.read("v2_reopen_set_close", s.data, "v2_session reopened: set() writes its chunk at "
           "kv_chunk_end over the committed event section, then close() appends a 4th event",
           ACCEPT, ACCEPT, ["R-LAY-4", "R-EVT-10"], n_events=4)
    reopened = s.data

    s = js.StoreV2.open(session)
    s.close()
    C.read("v2_reopen_close", s.data, "v2_session reopened and closed without changes: the "
           "section and index are rewritten in place", ACCEPT, ACCEPT, ["R-LAY-5"], n_events=3)

    s = js.StoreV2.open(reopened)
    s.compact()
    C.read("v2_compacted", s.data, "v2_reopen_set_close compacted: chunks in index order "
           "(insertion order, not canonical), no dead space", ACCEPT, ACCEPT, ["W-CAN-2"],
           n_events=4)

    canon_file = canon({"b": b"2", "7": b"7", "a": b"1", "42": b"42"},
                       [B.ev(TS0, '{"key":"a"}')], base=5)
    s = js.StoreV2.open(canon_file)
    s.compact()
    if s.data != canon_file:
        raise AssertionError("JS compact() of a canonical file changed it (W-CAN-1 claim)")
    C.read("v2_canonical_compacted", s.data, "a canonical file with integer-like keys "
           "compacted by the JS store: byte-identical (the design goal of W-CAN-1)",
           ACCEPT, ACCEPT, ["W-CAN-1", "W-COMPACT-1"], n_events=1)

    s = js.StoreV2.new()
    s.append_entry(-1, kind=300, content_source=-1, key="x", payload_json="1")
    s.close()
    C.read("v2_ts_minus_1_kind_300", s.data, "appendEntry with Date.now() = -1, kind 300, "
           "content_source -1: the JS store writes ts ffffffffffffffff, kind 44, source 255; "
           "the timestamp exceeds 2^53-1", "R-EVT-8", ACCEPT, n_events=1)

    # Crash between set() and commit(): set() overwrites the committed section.
    s = js.StoreV2.new()
    s.set("a", b"hello")
    s.commit()
    s.set("b", b"")
    C.read("v2_crash_after_set_empty_value", s.data, "set('b', empty) without commit: the "
           "chunk's zero length prefix overwrites the section count with 0 (unchanged), so "
           "the file still holds the committed content", ACCEPT, ACCEPT, ["W-COMMIT-1"],
           kv={"a": b"hello"}, n_events=0)
    s = js.StoreV2.new()
    s.set("a", b"hello")
    s.commit()
    s.set("b", b"xy")
    C.read("v2_crash_after_set", s.data, "set('b', 'xy') without commit: the chunk overwrites "
           "the committed event section, whose count becomes 2 in an 8-byte section",
           ("R-EVT-3", "R-EVT-4", "R-EVT-9"), "R-EVT-3", ["W-COMMIT-1"])
    s = js.StoreV2.open(session)
    s.set("state/big", b"B" * 400)
    C.read("v2_crash_after_set_large", s.data, "v2_session reopened, then set() of a 400-byte "
           "value without commit: the chunk overwrites the event section and the index",
           ("R-EVT-3", "R-EVT-4", "R-EVT-9", "R-IDX-2"), ("R-EVT-3", "R-IDX-2"), ["W-COMMIT-1"])

    # 0.2.0 opening a v1 file: the 128-byte header overwrites v1 bytes 64..127.
    v1_session = js_v1_session()
    C.read("v1_session", v1_session, "0.1.0: setAgentInstruction and setSkillContent: four "
           "chunks (value, meta/log_entry_seq, core/log entry, ...) in insertion order",
           ACCEPT, ACCEPT, ["W-V1-1", "D-7"])
    s = js.StoreV2.open(v1_session)
    s.close()
    C.read("v2_migrated_from_v1", s.data, "v1_session opened and closed by 0.2.0: the v2 "
           "header overwrote bytes 64..127 (the first chunks: the agent file and the sequence "
           "number become zero bytes), log entries renumbered into events; the first chunk "
           "starts at 64, inside the header", ("R-CHK-2", "R-CHK-3"), ACCEPT, ["R-CHK-1"])
    s = js.StoreV2.open(js.StoreV1.new().data)
    s.close()
    C.read("v2_migrated_from_empty_v1", s.data, "the empty v1 store opened and closed by 0.2.0: "
           "the section and index {} were written at 64 and then overwritten by the header's "
           "zero reserved bytes (the file is unopenable in JS too)",
           ("R-HDR-6", "R-IDX-2", "R-LAY-3"), "R-IDX-2")

    # 0.2.0 reading files it did not write, then writing them back.
    from .index import EA, EW, f as index_file
    s = js.StoreV2.open(index_file('{"a":{"offset":128,"length":5,"x":[1,{"y":null}]}}'))
    s.set("b", b"new")
    s.close()
    C.read("v2_extra_member_written_back", s.data, "a file whose index entry has an extra "
           "member x, opened by 0.2.0, set('b'), closed: JSON.stringify writes x back",
           "R-IDX-4", ACCEPT, ["R-IDX-9"], kv={"a": b"hello", "b": b"new"})
    s = js.StoreV2.open(index_file('{"a":{"offset":1.28e2,"length":5.0}}'))
    s.close()
    C.read("v2_number_forms_normalised", s.data, "an index with offset 1.28e2 and length 5.0 "
           "opened and closed by 0.2.0: JSON.stringify writes 128 and 5", ACCEPT, ACCEPT,
           ["R-IDX-10", "R-IDX-5"], kv={"a": b"hello"})
    s = js.StoreV2.open(index_file('{"a":%s,"a":%s}' % (EA, EW)))
    s.compact()
    C.read("v2_dup_key_compacted", s.data, "an index with key 'a' twice (hello, world) "
           "compacted by 0.2.0: JSON.parse kept the last, one chunk is written",
           ACCEPT, ACCEPT, ["R-IDX-12", "R-IDX-7"], kv={"a": b"world"})
    b2 = B.V2()
    b2.chunk(b"hello", key="a", prefix=4)
    b2.section([])
    b2.index()
    s = js.StoreV2.open(b2.build())
    s.compact()
    C.read("v2_prefix_mismatch_compacted", s.data, "a chunk whose prefix (4) disagrees with "
           "its index length (5), compacted by 0.2.0: the prefix is rewritten from the index",
           ACCEPT, ACCEPT, ["R-CHK-3"], kv={"a": b"hello"})
    s = js.StoreV2.open(B.patch_u32(canon({"a": b"x"}, [B.ev(TS0, "{}")]), B.OFF_VERSION, 3))
    s.close()
    C.read("v2_version_3_rewritten", s.data, "a version-3 file opened and closed by 0.2.0, "
           "which reads any version >= 2 as v2 and writes version 2", ACCEPT, ACCEPT,
           ["R-HDR-3"], kv={"a": b"x"}, n_events=1)

    # ---------------------------------------------------------------- 0.1.0 (format v1)
    C.read("v1_new_store", js.StoreV1.new().data, "0.1.0 open() of a new path: 66 bytes",
           ACCEPT, ACCEPT, ["W-V1-1"], kv={})
    v1 = js.StoreV1.open(v1_session)
    v1.set("knowledge/agents/ops/AGENT.md", b"# Ops\nBe very careful.")
    v1.delete("knowledge/skills/deploy/SKILL.md")
    v1.close()
    C.read("v1_overwrite_delete", v1.data, "v1_session reopened: one value overwritten, one "
           "key deleted: dead chunks and the old index as dead space", ACCEPT, ACCEPT,
           ["R-CHK-2"])
    v1c = js.StoreV1.open(v1.data)
    v1c.compact()
    C.read("v1_compacted", v1c.data, "v1_overwrite_delete compacted by 0.1.0", ACCEPT, ACCEPT,
           ["W-V1-1"])
    v1 = js.StoreV1.open(v1_session)
    v1.set("state/x", b"abc")
    C.read("v1_crash_after_set", v1.data, "0.1.0 set() without commit: the chunk overwrote the "
           "start of the index (its length prefix begins with a zero byte)", "R-IDX-2",
           "R-IDX-2", ["W-COMMIT-1"])
    v1 = js.StoreV1.open(session)
    v1.set("state/y", b"1")
    v1.close()
    C.read("v2_rewritten_by_0_1_0", v1.data, "v2_session opened and closed by 0.1.0: a v1 "
           "header (bytes 32..63 zeroed), the v2 event section left as dead space: the events "
           "are lost", ACCEPT, ACCEPT, ["R-V1-2", "R-HDR-3"])
    return C
