"""Base contents and files shared by the case modules.

Every canonical file built here with our own builder is recorded in CANONICAL_BUILDS; the
generator checks each against pyacepack.build_v2 / build_v1 of the same content, so the two
independent builders must agree before any case derived from them is written.
"""

from . import binfmt as B

TS0 = 1700000000000  # fixed timestamps: TS0 + i

CANONICAL_BUILDS = []   # (kind "v2"|"v1", args, bytes)


def canon(kv, events=(), base=0):
    data = B.canonical_v2(kv, events, base)
    CANONICAL_BUILDS.append(("v2", (dict(kv), list(events), base), data))
    return data


def canon_v1(kv, flags=0):
    data = B.canonical_v1(kv, flags)
    CANONICAL_BUILDS.append(("v1", (dict(kv), flags), data))
    return data


def payload(key, p=None, parent=None):
    """The payload the JS 0.2.0 store writes: JSON.stringify({key, payload, parent_id})."""
    import json
    obj = {"key": key}
    if p is not None:
        obj["payload"] = p
    if parent is not None:
        obj["parent_id"] = parent
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


SMALL_KV = {"a": b"hello", "state/b": b'{"x":1}'}
SMALL_EVENTS = [B.ev(TS0, payload("a", {"n": 1}), kind=1, source=2),
                B.ev(TS0 + 1, payload("state/b"), kind=4, source=3, flags=1)]


def empty():
    return canon({})


def small():
    """Two keys, two events: the usual base for mutations."""
    return canon(SMALL_KV, SMALL_EVENTS)


def events_n(n, base=0, kv=None):
    evs = [B.ev(TS0 + i, payload("k%d" % i, {"i": i}), kind=1 + i % 6, source=1 + i % 3)
           for i in range(n)]
    return evs


def hdr(data):
    return B.parse_v2_header(data)
