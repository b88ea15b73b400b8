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
    C.read("js_10_sessions", s.data, "the JS 0.2.0 store after 10 sessions of 150 set() calls "
           "and 50 appendEntry() calls each, without compaction", ACCEPT, ACCEPT,
           ["R-CHK-2", "W-COMMIT-2"], n_events=500)
    return C
