"""events/: the columnar event section (3.3, R-EVT-*): pad formula, counts, pool packing,
payload bounds, timestamps, event ids."""

from . import binfmt as B
from .common import TS0, canon, events_n, payload
from .model import ACCEPT, Cases

KV = {"a": b"hello"}


def ef(events, hdr=None, raw_section=None, **section_kw):
    """One key 'a', then the event section (built from events with the overrides, or given
    raw), then the index; header fields may be overridden via hdr."""
    b = B.V2()
    b.chunk(b"hello", key="a")
    if raw_section is None:
        b.section(list(events), **section_kw)
    else:
        b.evt_offset = b.raw(raw_section)
        b.evt_length = len(raw_section)
        b.n_events = len(events)
    b.index()
    return b.build(**(hdr or {}))


def cases():
    C = Cases("events")

    # The pad formula pad = (4 - N mod 4) mod 4 (3.3.1, 3.3.2), N = 0..17 and 100.
    for n in list(range(0, 10)) + [12, 15, 16, 17, 100]:
        evs = events_n(n)
        pay_off_at = 4 + 11 * n + B.pad_of(n)
        C.read(f"count_{n}", canon(KV, evs), f"{n} events: pad {B.pad_of(n)}, pay_off at "
               f"section position {pay_off_at}" + (" (not 4-aligned)" if pay_off_at % 4 else ""),
               ACCEPT, ACCEPT, ["R-EVT-3", "R-EVT-4", "W-EVT-1"], n_events=n)

    # Field ranges: timestamps, kind/source/flags, evt_base_id and ids (R-EVT-8, R-EVT-10).
    for ts in (0, 1, B.MAX32, 2**32, B.MAX53):
        C.read(f"ts_{B.vname(ts)}", canon(KV, [B.ev(ts, "{}")]), f"one event with ts {ts}",
               ACCEPT, ACCEPT, ["R-EVT-8"])
    for ts, what in ((2**53, "2^53"), (2**63, "2^63"), (B.MAX64, "2^64-1 (what JS writes for "
                                                              "ts = -1)")):
        C.read(f"ts_{B.vname(ts) if ts != 2**63 else '2p63'}", ef([B.ev(ts, "{}")]),
               f"one event with ts {what}: above 2^53-1; compat reads it as is", "R-EVT-8",
               ACCEPT, n_events=1)
    d = ef([B.ev(TS0, "{}"), B.ev(2**53, "{}"), B.ev(TS0 + 2, "{}")])
    C.read("ts_2p53_middle", d, "the second of three events has ts 2^53", "R-EVT-8", ACCEPT)
    C.read("kind_source_flags_0", canon(KV, [B.ev(TS0, "{}", 0, 0, 0)]), "kind, source and "
           "flags 0", ACCEPT, ACCEPT, ["R-EVT-10"])
    C.read("kind_source_flags_255", canon(KV, [B.ev(TS0, "{}", 255, 255, 255)]),
           "kind, source and flags 255 (flags bits other than 0x01 have no meaning but are "
           "kept)", ACCEPT, ACCEPT, ["R-EVT-10"])
    C.read("flags_deleted", canon(KV, [B.ev(TS0, payload("a"), 1, 2, 0x01),
                                       B.ev(TS0 + 1, payload("a"), 1, 2, 0xFE)]),
           "an event flagged deleted (0x01) and one with every other bit (0xFE)", ACCEPT,
           ACCEPT, ["R-EVT-10"])
    for base, n in ((1, 2), (7, 0), (2**31, 3), (B.MAX32 - 1, 3), (B.MAX32, 3), (B.MAX32, 0)):
        C.read(f"base_{B.vname(base)}_n{n}", canon(KV, events_n(n), base),
               f"evt_base_id {base} with {n} events: ids {base + 1}..{base + n}" +
               (" (beyond 32 bits)" if base + n > B.MAX32 else ""),
               ACCEPT, ACCEPT, ["R-EVT-10", "W-HDR-1"], n_events=n)

    # R-EVT-9 (strict): the header's evt_count equals the section's count.
    evs2 = events_n(2)
    for hc in (3, 1, 0, B.MAX32):
        C.read(f"evt_count_{B.vname(hc)}_for_2", ef(evs2, hdr=dict(evt_count=hc)),
               f"header evt_count {hc}, section count 2: compat ignores the header count",
               "R-EVT-9", ACCEPT, n_events=2)
    for hc in (1, B.MAX32):
        C.read(f"evt_count_{B.vname(hc)}_for_0", ef([], hdr=dict(evt_count=hc)),
               f"header evt_count {hc}, empty section", "R-EVT-9", ACCEPT, n_events=0)

    # R-EVT-3 (both): the columns fit in the section before any is read.
    tiny = [B.ev(TS0, "{}")]
    for cnt in (2, 2**31, B.MAX32):
        C.read(f"section_count_{B.vname(cnt)}_tiny", ef(tiny, count=cnt, hdr=dict(evt_count=cnt)),
               f"section count {cnt} (header evt_count too) in a 32-byte section holding one "
               "event; strict also breaks R-EVT-4", ("R-EVT-3", "R-EVT-4"), "R-EVT-3")
    C.read("section_count_2p32m1_empty", ef([], count=B.MAX32, hdr=dict(evt_count=B.MAX32)),
           "section count 2^32-1 in an 8-byte section (19 * count must be computed in 64 "
           "bits)", ("R-EVT-3", "R-EVT-4"), "R-EVT-3")
    empties = [B.ev(TS0 + i, b"") for i in range(3)]
    C.read("empty_payloads", ef(empties), "3 events with empty payloads: the columns and "
           "pool_length fill the section exactly (8 + 19*3 + 1 = 66 bytes); compat accepts "
           "empty payloads, strict needs JSON objects", "R-PAY-2", ACCEPT, ["R-EVT-3"],
           n_events=3)
    sec = B.event_section(empties)
    C.read("columns_1_byte_short", ef(empties, raw_section=sec[:-1]),
           "the same section one byte shorter (65): pool_length is cut", ("R-EVT-3", "R-EVT-4"),
           "R-EVT-3")

    # R-EVT-1 (strict) / R-EVT-2 (compat): sections shorter than 8 bytes.
    for ln, content, what in ((0, b"", "empty"), (1, b"\x00", "one zero byte"),
                              (3, b"\xff\xff\xff", "three 0xFF bytes (no count to read)"),
                              (4, b"\x00\x00\x00\x00", "a zero count only"),
                              (7, b"\x00\x00\x00\x00\x01\x02\x03", "a zero count and 3 bytes")):
        C.read(f"section_length_{ln}", ef([], raw_section=content),
               f"evt_length {ln}, the section is {what}: compat reads no events (R-EVT-2)",
               "R-EVT-1", ACCEPT, ["R-EVT-2"], n_events=0)
    C.read("section_length_4_count_1", ef([], raw_section=b"\x00\x00\x00\x01"),
           "evt_length 4 holding count 1: the columns cannot fit", ("R-EVT-1", "R-EVT-3",
                                                                    "R-EVT-4"), "R-EVT-3",
           ["R-EVT-2"])
    C.read("count_0_with_junk", ef([], raw_section=bytes(8) + b"junk"),
           "count 0, pool_length 0, then 4 junk bytes inside evt_length: compat reads no "
           "events whatever follows", "R-EVT-4", ACCEPT, ["R-EVT-2"], n_events=0)
    C.read("count_0_pool_5", ef([], raw_section=bytes(4) + B.u32(5) + b"{}{}x"),
           "count 0 with pool_length 5 and a 5-byte pool", "R-EVT-6", ACCEPT, ["R-EVT-2"],
           n_events=0)
    C.read("count_0_pool_length_2p32m1", ef([], raw_section=bytes(4) + B.u32(B.MAX32)),
           "count 0 with pool_length 2^32-1 in an 8-byte section", ("R-EVT-4", "R-EVT-6"),
           ACCEPT, ["R-EVT-2"], n_events=0)

    # R-EVT-5 (strict): zero pad bytes.
    for n in (1, 2, 3, 5, 6, 7):
        p = B.pad_of(n)
        pad = bytearray(p)
        pad[p - 1] = 0x01
        C.read(f"pad_nonzero_n{n}", ef(events_n(n), pad=bytes(pad)),
               f"{n} events, last of the {p} pad bytes is 0x01", "R-EVT-5", ACCEPT, n_events=n)
    C.read("pad_all_ff_n1", ef(events_n(1), pad=b"\xff\xff\xff"), "1 event, the 3 pad bytes "
           "are 0xFF", "R-EVT-5", ACCEPT, n_events=1)

    # R-EVT-4 (strict): exact section length.
    for extra in (1, 100):
        C.read(f"section_trailer_{extra}", ef(evs2, trailer=b"\x00" * extra),
               f"{extra} zero bytes after the pool inside evt_length (pool_length unchanged)",
               "R-EVT-4", ACCEPT, n_events=2)

    # R-EVT-6 (strict): a packed pool. Payloads stay valid JSON under every reading.
    two = [B.ev(TS0, "{}"), B.ev(TS0 + 1, "{}")]
    C.read("pool_shared", ef(two, pay_off=[0, 0], pool=b"{}"), "two events whose payloads are "
           "the same 2 pool bytes (pool_length 2)", "R-EVT-6", ACCEPT, n_events=2)
    C.read("pool_gap", ef(two, pay_off=[0, 3], pool=b"{} {}"), "a 1-byte gap between the two "
           "payloads", "R-EVT-6", ACCEPT, n_events=2)
    C.read("pool_reordered", ef([B.ev(TS0, "{}"), B.ev(TS0 + 1, '{"a":1}')],
                                pay_off=[7, 0], pool=b'{"a":1}{}'),
           "payloads stored in reverse event order", "R-EVT-6", ACCEPT, n_events=2)
    C.read("pool_leading_byte", ef([B.ev(TS0, "{}")], pay_off=[1], pool=b" {}"),
           "pay_off[0] = 1: one unused byte at the start of the pool", "R-EVT-6", ACCEPT,
           n_events=1)
    C.read("pool_trailing_byte", ef([B.ev(TS0, "{}")], pool=b"{}x"),
           "pool_length 3 but the payloads sum to 2: one unused byte at the end of the pool",
           "R-EVT-6", ACCEPT, n_events=1)
    C.read("pool_length_0", ef(two, pool_length=0), "pool_length 0 though the payloads take 4 "
           "bytes (compat ignores pool_length)", ("R-EVT-4", "R-EVT-6"), ACCEPT, n_events=2)

    # R-EVT-7 (both): payloads inside the section. With R-EVT-4 and R-EVT-6 holding, R-EVT-7
    # holds, so strict always sees R-EVT-6 broken too.
    for name, kw, what in (
            ("payload_1_past_section", dict(pay_len=[2, 3]), "the last pay_len is one too "
             "large: the payload ends 1 byte past the section"),
            ("payload_off_2p32m1", dict(pay_off=[B.MAX32, 2]), "pay_off[0] = 2^32-1"),
            ("payload_len_2p32m1", dict(pay_len=[B.MAX32, 2]), "pay_len[0] = 2^32-1"),
            ("payload_off_len_2p32m1", dict(pay_off=[B.MAX32, 2], pay_len=[B.MAX32, 2]),
             "pay_off[0] = pay_len[0] = 2^32-1 (the sum needs 33 bits)")):
        C.read(name, ef(two, **kw), what, ("R-EVT-6", "R-EVT-7"), "R-EVT-7")
    return C
