"""layout/: placement of the regions, dead space, tails, and the bytes a conformant in-place
writer leaves at each step of a commit (3.5, R-LAY-*, W-LAY-1, W-COMMIT-*, W-COMPACT-1)."""

from . import binfmt as B
from .common import SMALL_EVENTS, SMALL_KV, TS0, canon, payload, small
from .model import ACCEPT, Cases


def _small_builder(dead_before=b"", dead_between=b"", dead_after=b""):
    """SMALL content laid out with optional dead space in the chunk region."""
    b = B.V2()
    b.raw(dead_before)
    b.chunk(SMALL_KV["a"], key="a")
    b.raw(dead_between)
    b.chunk(SMALL_KV["state/b"], key="state/b")
    b.raw(dead_after)
    return b


def _commit_steps(kv_a, ev_a, new_kv, new_events):
    """The files a W-COMMIT-2 writer leaves when it commits (new_kv, new_events) on top of the
    canonical file of (kv_a, ev_a): [after step-1 writes of chunks, + half the section,
    + whole section, + index (all still under the old header), after the header write]."""
    a = canon(kv_a, ev_a)
    h = B.parse_v2_header(a)
    extent = h["kv_index_offset"] + h["kv_index_length"]
    assert extent == len(a)
    entries = {k: (o, n) for k, o, n in _index_entries(a)}
    chunks = bytearray()
    pos = extent
    for k, v in new_kv.items():
        chunks += B.u32(len(v)) + v
        entries[k] = (pos, len(v))
        pos += 4 + len(v)
    section = B.event_section(list(ev_a) + list(new_events))
    evt_off = pos
    idx_off = evt_off + len(section)
    order = B.canon_order(list(entries))
    index = B.index_text([(k,) + entries[k] for k in order])
    states = [a + bytes(chunks), a + bytes(chunks) + section[:len(section) // 2],
              a + bytes(chunks) + section, a + bytes(chunks) + section + index]
    new_header = B.header_v2(kv_index_offset=idx_off, kv_index_length=len(index),
                             kv_chunk_end=evt_off, evt_offset=evt_off,
                             evt_length=len(section),
                             evt_count=len(ev_a) + len(new_events), evt_base_id=0)
    committed = new_header + states[-1][B.HDR2:]
    return states, committed


def _index_entries(data):
    """(key, offset, length) of a canonical file's strict index (keys are plain ASCII here)."""
    import json
    h = B.parse_v2_header(data)
    text = data[h["kv_index_offset"]:h["kv_index_offset"] + h["kv_index_length"]]
    obj = json.loads(text)
    return [(k, v["offset"], v["length"]) for k, v in obj.items()]


def cases():
    C = Cases("layout")
    S = small()
    h = B.parse_v2_header(S)
    size = len(S)

    # Dead space in the chunk region (3.4) is allowed in both profiles.
    for name, kw, what in (
            ("dead_space_before_first_chunk", dict(dead_before=b"\xde\xad" * 5),
             "10 dead bytes between the header and the first chunk"),
            ("dead_space_between_chunks", dict(dead_between=b"\x00\x00\x00\x05stale"),
             "a stale chunk (an overwritten value) between the two live chunks"),
            ("dead_space_after_last_chunk", dict(dead_after=b"\xff" * 7),
             "7 dead bytes between the last chunk and kv_chunk_end")):
        b = _small_builder(**kw)
        b.section(SMALL_EVENTS)
        b.index()
        C.read(name, b.build(), what, ACCEPT, ACCEPT, ["R-CHK-2", "R-LAY-4"])
    b = B.V2()
    old = B.event_section(SMALL_EVENTS[:1])
    b.raw(old + B.index_text([]))
    b.section(SMALL_EVENTS)
    b.index()
    C.read("dead_space_old_section_and_index", b.build(),
           "no keys; the chunk region holds the event section and index of an earlier commit "
           "(W-COMMIT-2 leaves them as dead space)", ACCEPT, ACCEPT, ["R-LAY-3", "W-COMMIT-2"])

    # Tails (3.5): bytes after the index, allowed in both profiles.
    for name, tail, what in (("tail_1_byte", b"\x00", "one zero byte"),
                             ("tail_garbage", bytes(range(256)), "the 256 byte values"),
                             ("tail_index_text", b'{"zz":{"offset":128,"length":5}}',
                              "the text of another index"),
                             ("tail_copy_of_file", S, "a complete copy of the file"),
                             ("tail_4096_zero", bytes(4096), "4096 zero bytes")):
        C.read(name, S + tail, f"a valid file followed by a tail of {what}", ACCEPT, ACCEPT,
               ["R-LAY-1", "W-COMMIT-3"])

    # R-LAY-1 (both): the index must lie inside the file.
    C.read("index_1_past_eof", B.patch_u64(S, B.OFF_KV_INDEX_LENGTH, h["kv_index_length"] + 1),
           "kv_index_length one larger: the index ends 1 byte past the end of the file",
           "R-LAY-1", "R-LAY-1")
    C.read("truncated_last_byte", S[:-1], "a valid file without its last byte (the index's "
           "closing brace)", "R-LAY-1", "R-LAY-1")
    C.read("truncated_half_index", S[:h["kv_index_offset"] + h["kv_index_length"] // 2],
           "a valid file cut in the middle of its index", "R-LAY-1", "R-LAY-1")
    for t, v, what in (("2p53m1", B.MAX53, "2^53-1"), ("2p53", 2**53, "2^53"),
                       ("2p64m1", B.MAX64, "2^64-1: offset + length wraps to offset - 1 in "
                        "64-bit arithmetic"),
                       ("wraps_to_1", B.MAX64 - h["kv_index_offset"] + 2, "2^64 - offset + 1: "
                        "offset + length wraps to 1")):
        C.read(f"index_length_{t}", B.patch_u64(S, B.OFF_KV_INDEX_LENGTH, v),
               f"kv_index_length = {what}", "R-LAY-1", "R-LAY-1")
    for v, what in ((size + 1, "the file size + 1 (with length 0)"),):
        d = B.patch_u64(B.patch_u64(S, B.OFF_KV_INDEX_OFFSET, v), B.OFF_KV_INDEX_LENGTH, 0)
        C.read("index_offset_eof_plus_1", d, f"kv_index_offset = {what}; strict also breaks "
               "R-LAY-5 (the index no longer follows the event section)",
               ("R-LAY-1", "R-LAY-5"), "R-LAY-1")
    for v, what in ((B.MAX53, "2^53-1"), (B.MAX64, "2^64-1 (offset + length wraps to 1)"),
                    (B.MAX64 - 1, "2^64-2 (offset + length wraps to 0)")):
        C.read(f"index_offset_{B.vname(v)}", B.patch_u64(S, B.OFF_KV_INDEX_OFFSET, v),
               f"kv_index_offset = {what}, length unchanged; strict also breaks R-LAY-5",
               ("R-LAY-1", "R-LAY-5"), "R-LAY-1")
    d = B.patch_u64(B.patch_u64(S, B.OFF_KV_INDEX_OFFSET, size), B.OFF_KV_INDEX_LENGTH, 0)
    C.read("index_offset_eof_length_0", d, "kv_index_offset = file size, length 0: the index "
           "is inside the file but empty, which is not a JSON text; strict also breaks R-LAY-5",
           ("R-IDX-2", "R-LAY-5"), "R-IDX-2")
    C.read("index_length_0", B.patch_u64(S, B.OFF_KV_INDEX_LENGTH, 0),
           "kv_index_length = 0 (the old index text becomes a tail): an empty index is not a "
           "JSON text", "R-IDX-2", "R-IDX-2")

    # R-LAY-2 (both). With R-LAY-1 and R-LAY-5 holding, R-LAY-2 holds too, so in strict every
    # R-LAY-2 break also breaks R-LAY-5 (or more); compat checks R-LAY-2 alone.
    d = B.patch_u64(S, B.OFF_EVT_LENGTH, size - h["evt_offset"] + 1)
    C.read("section_1_past_eof", d, "evt_length reaches 1 byte past the end of the file; strict "
           "also breaks R-LAY-5 and R-EVT-4", ("R-LAY-2", "R-LAY-5", "R-EVT-4"), "R-LAY-2")
    for t, v, what in (("2p53m1", B.MAX53, "2^53-1"),
                       ("2p64m1", B.MAX64, "2^64-1 (offset + length wraps to offset - 1)"),
                       ("wraps_to_0", 2**64 - h["evt_offset"], "2^64 - evt_offset (offset + "
                        "length wraps to 0)")):
        C.read(f"section_length_{t}", B.patch_u64(S, B.OFF_EVT_LENGTH, v),
               f"evt_length = {what}; strict also breaks R-LAY-5 and R-EVT-4",
               ("R-LAY-2", "R-LAY-5", "R-EVT-4"), "R-LAY-2")
    for t, v, what in (("eof_plus_1", size + 1, "the file size + 1"),
                       ("2p53m1", B.MAX53, "2^53-1"),
                       ("2p64m1", B.MAX64, "2^64-1 (offset + length wraps)")):
        d = B.patch_u64(B.patch_u64(S, B.OFF_EVT_OFFSET, v), B.OFF_KV_CHUNK_END, v)
        C.read(f"section_offset_{t}", d, f"evt_offset = kv_chunk_end = {what}; strict also "
               "breaks R-LAY-5 (and R-CHK-2 does not, the chunks stay below kv_chunk_end)",
               ("R-LAY-2", "R-LAY-5"), "R-LAY-2")
    # Compat: an empty section (evt_length 0) may sit exactly at the end of the file, not after.
    d = B.patch_u64(B.patch_u64(S, B.OFF_EVT_OFFSET, size), B.OFF_EVT_LENGTH, 0)
    C.read("section_len0_at_eof", d, "evt_offset = file size, evt_length 0: compat reads no "
           "events (R-EVT-2); strict: evt_offset differs from kv_chunk_end",
           ("R-LAY-4", "R-LAY-5", "R-EVT-1"), ACCEPT, ["R-LAY-2", "R-EVT-2"])
    d = B.patch_u64(B.patch_u64(S, B.OFF_EVT_OFFSET, size + 1), B.OFF_EVT_LENGTH, 0)
    C.read("section_len0_past_eof", d, "evt_offset = file size + 1, evt_length 0: even an "
           "empty section must start inside the file", ("R-LAY-2", "R-LAY-4", "R-LAY-5",
                                                         "R-EVT-1"), "R-LAY-2")

    # R-LAY-3 (strict): kv_chunk_end >= 128.
    b = B.V2()
    b.index(b"{}")
    d = b.build(kv_chunk_end=120, evt_offset=120, evt_length=8, evt_count=0)
    C.read("chunk_end_120", d, "empty store whose event section is the 8 zero bytes 120..127 of "
           "the header (kv_chunk_end = evt_offset = 120), index {} at 128", "R-LAY-3", ACCEPT)
    d = bytearray(B.header_v2(kv_index_offset=72, kv_index_length=2, kv_chunk_end=64,
                              evt_offset=64, evt_length=8, evt_count=0, flags=2))
    d[72:74] = b"{}"
    C.read("chunk_end_64_compatible_flag", bytes(d), "128-byte file: flags 0x2 (reserved bytes "
           "unchecked), empty event section at 64, index {} at 72, all inside the header",
           "R-LAY-3", ACCEPT)
    d = B.patch_u64(S, B.OFF_KV_CHUNK_END, 0)
    C.read("chunk_end_0", d, "kv_chunk_end = 0 (compat does not use it); strict: it is below "
           "128 and differs from evt_offset, and every chunk lies beyond it",
           ("R-LAY-3", "R-LAY-4", "R-CHK-2"), ACCEPT)

    # R-LAY-4 (strict): evt_offset = kv_chunk_end.
    for t, v, what in (("evt_offset_plus_1", h["evt_offset"] + 1, "evt_offset + 1"),
                       ("eof", size, "the file size"), ("eof_plus_1", size + 1, "the file size + 1"),
                       ("2p53m1", B.MAX53, "2^53-1"), ("2p64m1", B.MAX64, "2^64-1")):
        C.read(f"chunk_end_{t}", B.patch_u64(S, B.OFF_KV_CHUNK_END, v),
               f"kv_chunk_end = {what}, evt_offset unchanged (compat ignores kv_chunk_end)",
               "R-LAY-4", ACCEPT)
    b = _small_builder(dead_after=b"\x00" * 6)
    end_live = b.pos() - 6
    b.section(SMALL_EVENTS)
    b.index()
    C.read("chunk_end_before_dead_space", b.build(kv_chunk_end=end_live),
           "6 dead bytes after the last chunk; kv_chunk_end is the end of the last chunk, "
           "evt_offset is 6 bytes later", "R-LAY-4", ACCEPT)
    # R-LAY-5 (strict): the index follows the event section directly.
    b = _small_builder()
    b.section(SMALL_EVENTS)
    b.raw(b"\x00")
    b.index()
    C.read("gap_before_index", b.build(), "one dead byte between the event section and the "
           "index", "R-LAY-5", ACCEPT)
    b = _small_builder()
    idx = B.index_text(b.entries)
    b.raw(idx)
    sec = b.section(SMALL_EVENTS)
    d = b.build(kv_index_offset=sec - len(idx), kv_index_length=len(idx))
    C.read("index_in_chunk_region", d, "the index lies in the chunk region before the event "
           "section (kv_chunk_end = evt_offset after it)", "R-LAY-5", ACCEPT)
    b = _small_builder()
    idx = B.index_text(b.entries)
    sec = b.section([B.ev(TS0, idx)])
    pool_start = sec + B.section_fixed_size(1)
    d = b.build(kv_index_offset=pool_start, kv_index_length=len(idx))
    C.read("index_is_payload", d, "the index text is also the payload of the only event: the "
           "index lies inside the event section (compat allows overlap)", "R-LAY-5", ACCEPT)
    b = _small_builder()
    b.raw(b"")
    idx_off = b.index()
    sec = b.section(SMALL_EVENTS)
    d = b.build(kv_chunk_end=idx_off)
    C.read("index_before_section", d, "the index follows the chunks and the event section "
           "follows the index (evt_offset differs from kv_chunk_end)",
           ("R-LAY-4", "R-LAY-5"), ACCEPT)

    # The steps of a commit (W-COMMIT-1..4): a crash before the header write leaves the old
    # content (the new bytes are a tail); after it, the new content.
    kv_a = {"agents/a": b"v1", "state/x": b"1"}
    ev_a = [B.ev(TS0, payload("agents/a"))]
    new_kv = {"state/x": b"2", "state/y": b"new"}
    new_ev = [B.ev(TS0 + 1, payload("state/x", 2)), B.ev(TS0 + 2, payload("state/y"))]
    states, committed = _commit_steps(kv_a, ev_a, new_kv, new_ev)
    for name, st, what in (("commit_crash_after_chunks", states[0], "the new chunks"),
                           ("commit_crash_in_section", states[1], "the new chunks and half of "
                            "the new event section"),
                           ("commit_crash_after_section", states[2], "the new chunks and the "
                            "new event section"),
                           ("commit_crash_before_header", states[3], "the new chunks, event "
                            "section and index (not yet the header)")):
        C.read(name, st, f"a canonical file after a commit crashed having written {what} "
               "after the committed extent: the old content, the new bytes are a tail",
               ACCEPT, ACCEPT, ["W-COMMIT-1", "W-COMMIT-2", "W-COMMIT-3"])
    C.read("commit_done", committed, "the same commit completed: new header; the old event "
           "section and index are dead space in the chunk region, the overwritten value "
           "state/x is dead too", ACCEPT, ACCEPT, ["W-COMMIT-2", "W-LAY-1", "R-CHK-2"])
    C.read("commit_done_compacted",
           canon({**kv_a, **new_kv}, ev_a + new_ev),
           "the committed content of commit_done after compaction: the canonical file",
           ACCEPT, ACCEPT, ["W-COMPACT-1", "W-CAN-2", "W-CAN-3"])
    d = states[3] + b"\x00" * 3
    C.read("commit_crash_with_old_tail", d, "a crashed commit leaves a tail; a later writer "
           "that did not truncate it appended 3 more bytes", ACCEPT, ACCEPT, ["W-COMMIT-4"])
    return C
