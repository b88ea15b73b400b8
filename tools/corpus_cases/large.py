"""large/: big but realistic files (performance paths, 32-bit builds, lookup tables)."""

import json
import random

from . import binfmt as B
from .common import TS0, canon
from .model import ACCEPT, Cases


def _words(rng, n):
    alphabet = "abcdefghijklmnopqrstuvwxyz"
    return "".join(rng.choice(alphabet) for _ in range(n))


def cases():
    C = Cases("large")
    rng = random.Random(1700000000)
    kv = {}
    for i in range(2000):
        key = "knowledge/%s/%04d/%s.md" % (_words(rng, 3), i, _words(rng, 5))
        n = rng.randrange(0, 400)
        if i % 10 == 0:
            kv[key] = bytes(rng.randrange(256) for _ in range(n))   # binary values too
        else:
            kv[key] = ("# %s\n" % _words(rng, 8) + _words(rng, n)).encode()
    keys = sorted(kv)
    events = []
    for i in range(20000):
        k = keys[rng.randrange(len(keys))]
        p = json.dumps({"key": k, "payload": {"n": i, "w": _words(rng, rng.randrange(0, 20))}},
                       separators=(",", ":"))
        events.append(B.ev(TS0 + i, p, kind=rng.randrange(1, 7), source=rng.randrange(1, 4),
                           flags=1 if i % 97 == 0 else 0))
    C.read("canonical_2000_keys_20000_events", canon(kv, events, base=1000),
           "2,000 keys (values of 0..420 bytes, every tenth binary) and 20,000 events with "
           "evt_base_id 1000, canonical", ACCEPT, ACCEPT,
           ["R-CHK-4", "R-EVT-3", "R-EVT-10", "W-CAN-2"], n_events=20000)

    # Many keys with empty values: an index much larger than the chunk region.
    kv2 = {"k%05d" % i: b"" for i in range(10000)}
    C.read("canonical_10000_empty_values", canon(kv2), "10,000 keys with empty values",
           ACCEPT, ACCEPT, ["R-CHK-4", "R-IDX-7"])

    # A file the JS 0.2.0 store grew over 10 sessions: dead space from overwrites and from
    # the event sections and indexes of every earlier commit.
    from pyacepack import js
    s = js.StoreV2.new()
    t = TS0
    for session in range(10):
        if session:
            s = js.StoreV2.open(s.data)
        for j in range(150):
            key = "state/%03d" % rng.randrange(300)
            s.set(key, json.dumps({"session": session, "j": j}).encode())
            if j % 3 == 0:
                s.append_entry(t, kind=4, content_source=3, key=key,
                               payload_json=json.dumps({"s": session, "j": j}))
                t += 1
        s.close()
    _above_4gib(C)
    C.read("js_10_sessions", s.data, "the JS 0.2.0 store after 10 sessions of 150 set() calls "
           "and 50 appendEntry() calls each, without compaction", ACCEPT, ACCEPT,
           ["R-CHK-2", "W-COMMIT-2"], n_events=500)
    return C


GAP = 1 << 32  # 4 GiB of zero bytes, inserted by the runner as a hole (manifest `sparse`)


def _above_4gib(C):
    """Offsets above 2^32 in a file of 4 GiB + a few hundred bytes: only such a file tells a
    64-bit offset from its low 32 bits. The corpus keeps the bytes without the gap; the
    runner inserts GAP zero bytes at `at` as a sparse file (and calls even `serve` adapters
    per call: the serve framing's u32 body length cannot carry the file)."""
    value = b"hello"
    chunk = B.u32(len(value)) + value
    section = B.event_section([])
    # Dead space of 4 GiB at the start of the chunk region (allowed in both profiles, 3.4):
    # the only chunk is at 2^32 + 128, its index offset a number above 2^32.
    off = 128 + GAP
    end = off + len(chunk)
    index = B.index_text([("a", off, len(value))])
    data = B.header_v2(kv_index_offset=end + len(section), kv_index_length=len(index),
                       kv_chunk_end=end, evt_offset=end, evt_length=len(section),
                       evt_count=0) + chunk + section + index
    C.read("chunk_above_4gib", data, "4 GiB of dead space, then the chunk of \"a\" at "
           "2^32 + 128 (index offset 4294967424): valid. A reader that parses index numbers "
           "or keeps offsets in 32 bits reads the length field at 128 (zero) instead",
           ACCEPT, ACCEPT, ["R-CHK-2", "R-CHK-3", "R-IDX-10"], kv={"a": value},
           sparse=(128, GAP))
    # The index 4 GiB after the event section: R-LAY-5 breaks by exactly 2^32, which a
    # comparison of the low 32 bits misses. compat does not place the index (R-LAY-5 is
    # strict only) and reads it.
    e = 128 + len(chunk) + len(section)
    index = B.index_text([("a", 128, len(value))])
    data = B.header_v2(kv_index_offset=e + GAP, kv_index_length=len(index),
                       kv_chunk_end=128 + len(chunk), evt_offset=128 + len(chunk),
                       evt_length=len(section), evt_count=0) + chunk + section + index
    C.read("index_4gib_after_events", data, "the index at evt_offset + evt_length + 2^32 "
           "(4 GiB of zero bytes between the event section and the index): strict breaks "
           "R-LAY-5 by exactly 2^32, which a comparison in 32 bits misses; compat reads it",
           "R-LAY-5", ACCEPT, ["R-LAY-5"], kv={"a": value}, sparse=(e, GAP))
