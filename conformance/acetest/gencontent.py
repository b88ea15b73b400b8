"""Random valid content for --generate: keys, values, events, v1 event logs.

Everything comes from the random.Random given by the caller (acetest/generate.py seeds one per
file), and nothing here iterates over a set or depends on hash order, so a seed gives the same
content on every run and machine. The content is the pyacepack model (tools/pyacepack/model.py).

The choices lean on what implementations in other languages get wrong: keys that sort
differently in UTF-16 and UTF-8 (astral characters against U+E000..U+FFFF), integer-like keys
(W-CAN-1), escapes, near-duplicate keys, 64-bit timestamps near 2^32 and 2^53, empty values and
payloads, invalid UTF-8 values, and v1 event logs with well-formed and malformed entries.
"""
from __future__ import annotations

import json
import random

from pyacepack import Content, Event

MAX53 = 2**53 - 1

# Single characters that stress escaping (D-5, 4.1) and ordering (D-6, W-CAN-1).
_SPECIAL = ['"', "\\", "/", "\b", "\f", "\n", "\r", "\t", "\x00", "\x01", "\x1f", "\x7f",
            "\u0080", "\u00e9", "\u00ff", "\u0100", "\u2028", "\u2029", "\u4e2d", "\ud7ff",
            "\ue000", "\uf8ff", "\ufeff", "\ufffd", "\uffff",
            "\U00010000", "\U0001f600", "\U0001f4a9", "\U0010ffff"]
_INTEGER_LIKE = ["0", "1", "7", "42", "10", "09", "01", "-1", "1.5", "1e3", "4294967294",
                 "4294967295", "4294967296", "99999999999", "00"]
_WORDS = ["state", "core/log/", "meta/", "a", "b", "__proto__", "constructor", "key", "x"]


def _char(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.55:
        return chr(rng.randrange(0x20, 0x7F))
    if r < 0.8:
        return rng.choice(_SPECIAL)
    if r < 0.9:
        return chr(rng.randrange(0xA0, 0xD800))
    if r < 0.95:
        return chr(rng.randrange(0xE000, 0x10000))
    return chr(rng.randrange(0x10000, 0x110000))


def random_key(rng: random.Random, near: list[str]) -> str:
    r = rng.random()
    if r < 0.12:
        return rng.choice(_INTEGER_LIKE)
    if r < 0.3 and near:
        base = rng.choice(near)   # a near-duplicate: prefix, extension, one character changed
        how = rng.randrange(4)
        if how == 0:
            return base[:rng.randrange(len(base) + 1)]
        if how == 1:
            return base + _char(rng)
        if how == 2 and base:
            i = rng.randrange(len(base))
            return base[:i] + _char(rng) + base[i + 1:]
        return _char(rng) + base
    if r < 0.38:
        return ""
    prefix = rng.choice(_WORDS) if rng.random() < 0.4 else ""
    return prefix + "".join(_char(rng) for _ in range(rng.randrange(0, 9)))


def json_text(rng: random.Random, depth: int = 0) -> str:
    """A random JSON value (text), sometimes with whitespace, escapes and lone surrogates."""
    r = rng.random()
    if depth > 2 or r < 0.5:
        return rng.choice(["0", "-1", "1.5e3", "true", "false", "null", "123456789012345678901",
                           '"x"', '"\\ud800"', '"\\u00e9\\n"', '""', json.dumps(_char(rng))])
    if r < 0.55:
        return "[" + ",".join(json_text(rng, depth + 1) for _ in range(rng.randrange(3))) + "]"
    return json_object(rng, depth + 1)


def json_object(rng: random.Random, depth: int = 0) -> str:
    members = []
    for _ in range(rng.randrange(4 if depth == 0 else 2)):
        name = rng.choice(["key", "payload", "parent_id", "a", "a", "\\u0061", "é", ""])
        members.append(f'"{name}":{json_text(rng, depth)}')
    sep = rng.choice([",", ",", ", ", " ,\n"])
    text = "{" + sep.join(members) + "}"
    return (" " + text + "\n") if rng.random() < 0.1 else text


def random_value(rng: random.Random) -> bytes:
    r = rng.random()
    if r < 0.15:
        return b""
    if r < 0.4:
        return json_object(rng).encode()
    if r < 0.6:
        return "".join(_char(rng) for _ in range(rng.randrange(1, 20))).encode("utf-8",
                                                                               "surrogatepass")
    if r < 0.9:
        return rng.randbytes(rng.randrange(1, 40))
    if r < 0.99:
        return rng.randbytes(rng.randrange(200, 2000))
    return bytes([rng.randrange(256)]) * rng.randrange(5000, 20000)


def random_ts(rng: random.Random) -> int:
    r = rng.random()
    if r < 0.3:
        return rng.randrange(1_600_000_000_000, 1_800_000_000_000)
    if r < 0.5:
        return rng.choice([0, 1, 2**31 - 1, 2**31, 2**32 - 1, 2**32, 2**32 + 1, MAX53 - 1, MAX53,
                           2**52, 2**52 + 1])
    if r < 0.65:
        return max(0, min(MAX53, rng.choice([2**32, MAX53]) + rng.randrange(-3, 1)))
    return rng.randrange(0, MAX53 + 1)


def _byte(rng: random.Random) -> int:
    return rng.choice([0, 0, 1, 2, 127, 128, 255, rng.randrange(256)])


def random_event(rng: random.Random) -> Event:
    payload = json_object(rng).encode() if rng.random() < 0.85 else b"{}"
    return Event(random_ts(rng), _byte(rng), _byte(rng), _byte(rng), payload)


def random_kv(rng: random.Random, n: int) -> dict:
    kv: dict[str, bytes] = {}
    keys: list[str] = []
    if rng.random() < 0.15:
        # keys that differ in one character, U+E000..U+FFFF against an astral one: UTF-8
        # order puts the astral key last, UTF-16 code unit order (surrogates) first (D-6)
        stem = random_key(rng, [])
        for ch in (chr(rng.randrange(0xE000, 0x10000)), chr(rng.randrange(0x10000, 0x110000))):
            keys.append(stem + ch)
            kv[stem + ch] = random_value(rng)
    for _ in range(n):
        key = random_key(rng, keys)
        if key in kv:
            continue
        keys.append(key)
        kv[key] = random_value(rng)
    return kv


def _count(rng: random.Random) -> int:
    """Mostly small: the checks per file are cheap and the run covers more files; every
    fixed size of the event columns (N mod 4, section lengths) still comes up often."""
    r = rng.random()
    return rng.randrange(0, 4) if r < 0.6 else rng.randrange(4, 10) if r < 0.95 else \
        rng.randrange(10, 40)


def random_small(rng: random.Random) -> Content:
    """A small v2 content: the donor of splices."""
    events = [random_event(rng) for _ in range(rng.randrange(3))]
    return Content(2, 0, rng.randrange(3), random_kv(rng, rng.randrange(4)), events)


def random_v2(rng: random.Random) -> Content:
    events = [random_event(rng) for _ in range(_count(rng))]
    base = rng.choice([0, 0, 0, 1, 41, 2**31, 2**32 - 1, max(0, 2**32 - 1 - len(events)),
                       rng.randrange(2**32)])
    return Content(2, 0, base, random_kv(rng, _count(rng)), events)


# --- v1 files with an event log (what migration, spec 10, works on) ----------------------

def _log_key(i: int) -> str:
    return "core/log/" + (str(i).zfill(12) if i < 10**12 else str(i))


def _number(rng: random.Random, v: int) -> str:
    """v as a JSON number, sometimes in a spelling whose exact value is still v (M-4 3)."""
    r = rng.random()
    if r < 0.75:
        return str(v)
    return rng.choice([f"{v}.0", f"{v}e0", f"{v}0e-1", f"{v}.000", "-0" if v == 0 else str(v),
                       f"{v}E+0"])


def log_entry(rng: random.Random, i: int) -> bytes:
    """A log entry value, mostly well-formed (M-4), sometimes not."""
    members = [f'"kind":{_number(rng, _byte(rng))}',
               f'"content_source":{_number(rng, _byte(rng))}',
               f'"key":{json.dumps(random_key(rng, []))}',
               f'"payload":{json_text(rng)}']
    if rng.random() < 0.3:
        members.append(f'"parent_id":{rng.randrange(0, i + 1)}')
    if rng.random() < 0.2:
        members.append(rng.choice(['"flags":null', f'"flags":{_byte(rng)}']))
    members += [f'"id":{_number(rng, i)}', f'"ts":{_number(rng, random_ts(rng))}']
    r = rng.random()
    if r < 0.04:
        members.append(f'"id":{i}')                         # duplicate id: malformed
    elif r < 0.07:
        members[-2] = f'"id":{i + 1}'                        # id not the key's: malformed
    elif r < 0.1:
        members[-1] = rng.choice(['"ts":-1', '"ts":1.5', f'"ts":{2**53}', '"ts":"1"'])
    elif r < 0.12:
        members[0] = rng.choice(['"kind":256', '"kind":-1', '"kind":1.5', '"kind":null'])
    elif r < 0.14:
        members = members[1:]                                # no kind: malformed
    elif r < 0.16:
        members[-2] = '"\\u0069d":' + str(i)                 # escaped member name
    elif r < 0.18:
        return rng.choice([b"[]", b"{", b"\xff", b""])
    if rng.random() < 0.3:
        rng.shuffle(members)
    return ("{" + ",".join(members) + "}").encode()


def random_v1(rng: random.Random) -> Content:
    kv = random_kv(rng, _count(rng))
    if rng.random() < 0.7:
        lo = rng.choice([1, 1, 2, 5, 999_999_999_999, 10**12, 2**32 - 2, 2**32, 2**32 + 1])
        ids = sorted({lo + rng.randrange(0, 6) for _ in range(rng.randrange(1, 6))})
        for i in ids:
            kv[_log_key(i)] = log_entry(rng, i)
        if rng.random() < 0.15:
            kv["core/log/" + rng.choice(["7", "0", "000000000000", "__seq", "0" + str(ids[0])])] = \
                log_entry(rng, ids[0])
        r = rng.random()
        if r < 0.7:
            seq = ids[-1] + rng.choice([0, 0, 0, 1, 3, -1])
            kv["meta/log_entry_seq"] = rng.choice(
                [str(seq), str(seq), f"{seq}.0", f" {seq}", str(2**53), "x", ""]).encode()
    return Content(1, 0, 0, kv, [])


# --- JSON texts on the edge of the grammar (R-PAY-1..3, M-4 1) ----------------------------

_TRICKY = [b'{"a":-}', b'{"a":01}', b'{"a":1.}', b'{"a":.5}', b'{"a":1e}', b'{"a":+1}',
           b'{"a":"\x01"}', b'{"a":"\\x"}', b'{"a":"\\u12"}', b'{"a":"\\ud800"}',
           b'{"a":"\\udc00\\ud800"}', b'{"a":1}{', b'{"a":1} ', b'\xef\xbb\xbf{}', b' {}',
           b'{}\x00', b'{"a":[1,]}', b'{"a":tru}', b'{"a":nul}', b'{"a":1,}', b'{,}', b'{"a"}',
           b'{"a":1 "b":2}', b'[]', b'"x"', b'1', b'null', b'{"\xff":1}',
           b'{"a":"\xed\xa0\x80"}', b'{"a":"\xf4\x90\x80\x80"}', b'{"a":"\xc0\xaf"}',
           b'{"a":1e999999999999}', b'{"a":-0.0e-0}', b'{"a":"\t"}', b'{"a":"\x7f"}',
           b'{\n"a"\t:\r1 }', b'{"a":1}\n\n', b'{"a":1}\x0b', b'{"a":1}\xc2\xa0',
           b'{"__proto__":1}', b'{"a":"\\u0000"}', b'{"a":"\\uD834\\uDD1E"}', b'{"a":"\\/"}',
           b'{"a":"\\U0041"}', b'{"a":[]]}', b'{"a":{}}}', b'{"a":-01}', b'{"a":1E+2}',
           b'{"a":0x10}', b'{"a":NaN}', b'{"a":Infinity}', b'{"a":\'x\'}', b'{a:1}', b'']


def tricky_json(rng: random.Random) -> bytes:
    r = rng.random()
    if r < 0.15:   # nesting at the limit (512 levels, the top-level object is level 1)
        depth = rng.choice([511, 512, 513, 600])
        return b'{"a":' + b"[" * (depth - 1) + b"]" * (depth - 1) + b"}"
    if r < 0.25:   # a JSON text in its exact form but not UTF-8 inside a string
        return b'{"k":"' + bytes([rng.randrange(0x80, 0x100)]) + b'"}'
    return rng.choice(_TRICKY)


def with_tricky_json(rng: random.Random, c: Content) -> tuple[Content, str]:
    """c with one payload (v2) or one log entry value (v1) replaced by an edge-case text."""
    text = tricky_json(rng)
    if c.format_version == 2 and c.events:
        i = rng.randrange(len(c.events))
        e = c.events[i]
        events = list(c.events)
        events[i] = Event(e.ts, e.kind, e.source, e.flags, text)
        return Content(2, 0, c.evt_base_id, c.kv, events), f"payload {i} = {text[:40]!r}"
    logs = [k for k in c.kv if k.startswith("core/log/")]
    key = rng.choice(logs) if logs else "core/log/000000000001"
    kv = dict(c.kv)
    kv[key] = text[:-1] + b',"id":1,"ts":0,"kind":0,"content_source":0}' \
        if rng.random() < 0.3 and text.endswith(b"}") else text
    return Content(c.format_version, 0, 0, kv, []), f"value of {key!r} = {kv[key][:40]!r}"
