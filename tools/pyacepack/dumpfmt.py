"""The conformance dump (spec section 11): dump() writes it byte-exactly, parse_dump() reads it.

D-1 layout, D-2 member order, D-3 numbers (64-bit ones as strings), D-4 lowercase hex,
D-5 string escaping of 4.1, D-6 kv sorted by UTF-8 bytes and events in section order,
D-7 v1 files.
"""

import re

from .bytesutil import U32_MAX, U8_MAX
from .jsonscan import Arr, JsonError, Num, Obj, Str, decode_string, scan
from .jsonstr import json_string
from .keyorder import utf8_order
from .model import Content, Event
from .utf8 import first_invalid, is_valid


def _utf8_member(name: str, b: bytes) -> str:
    """D-2: the *_utf8 member (with its comma) exactly when the bytes are valid UTF-8."""
    if not is_valid(b):
        return ""
    return f',"{name}":' + json_string(b.decode("utf-8"))


def _array(lines: list) -> str:
    """D-1: `[]` when empty, else one element per line, all but the last followed by ','."""
    if not lines:
        return "[]"
    return "[\n" + ",\n".join(lines) + "\n]"


def dump(c: Content) -> bytes:
    kv_lines = []
    for key in utf8_order(c.kv):
        value = c.kv[key]
        kv_lines.append('{"key":' + json_string(key) + ',"value_hex":"' + value.hex() + '"'
                        + _utf8_member("value_utf8", value) + "}")
    ev_lines = []
    for i, e in enumerate(c.events):
        ev_lines.append('{"id":"%d","ts":"%d","kind":%d,"source":%d,"flags":%d,"payload_hex":"%s"%s}'
                        % (c.evt_base_id + i + 1, e.ts, e.kind, e.source, e.flags,
                           e.payload.hex(), _utf8_member("payload_utf8", e.payload)))
    text = ('{"format_version":%d,"flags":%d,"evt_base_id":"%d","kv":%s,"events":%s}\n'
            % (c.format_version, c.flags, c.evt_base_id, _array(kv_lines), _array(ev_lines)))
    return text.encode("utf-8")


# ---------------------------------------------------------------------------------------
# parse_dump: any JSON text with the structure of spec/dump.schema.json and consistent values.
# Dumps in the exact D-1 layout take a line-by-line fast path; anything else goes through the
# general JSON scanner.  Both produce the same raw record, checked by _content_of().

_U64STR = re.compile(r"(?:0|[1-9][0-9]{0,19})\Z")
_HEX = re.compile(r"(?:[0-9a-f]{2})*\Z")
_INT = re.compile(r"(?:0|[1-9][0-9]*)\Z")
_STR = rb'"[^"\\]*(?:\\.[^"\\]*)*"'
_HEAD = re.compile(rb'\{"format_version":([0-9]+),"flags":([0-9]+),"evt_base_id":("(?:[^"\\]|\\.)*"),"kv":')
_KV_LINE = re.compile(rb'\{"key":(' + _STR + rb'),"value_hex":(' + _STR + rb')(?:,"value_utf8":(' + _STR + rb'))?\}\Z')
_EV_LINE = re.compile(rb'\{"id":(' + _STR + rb'),"ts":(' + _STR + rb'),"kind":([0-9]+),"source":([0-9]+),'
                      rb'"flags":([0-9]+),"payload_hex":(' + _STR + rb')(?:,"payload_utf8":(' + _STR + rb'))?\}\Z')


_CTL = re.compile(rb"[\x00-\x1f]")


class _Bad(Exception):
    pass


def _fail(msg):
    raise ValueError("bad dump: " + msg)


def _lit(buf, span):
    """A decoded JSON string literal buf[span] as (text, lone)."""
    a, b = span
    if buf.find(b"\\", a, b) < 0 and not _CTL.search(buf, a, b):
        return buf[a + 1:b - 1].decode("utf-8"), False
    try:
        return decode_string(buf, span[0], span[1])
    except JsonError:
        raise _Bad()


def _exact_lines(buf, pos, end_marker):
    """Lines of an array in the D-1 layout starting at pos: returns (list of (start, end), pos
    after the closing bracket) or raises _Bad."""
    if buf.startswith(b"[]", pos):
        return [], pos + 2
    if not buf.startswith(b"[\n", pos):
        raise _Bad()
    close = buf.find(b"\n]" + end_marker, pos)
    if close < 0:
        raise _Bad()
    spans = []
    start = pos + 2
    while True:
        nl = buf.find(b"\n", start, close)
        if nl < 0:
            spans.append((start, close))
            break
        if buf[nl - 1] != 0x2C:
            raise _Bad()
        spans.append((start, nl - 1))
        start = nl + 1
    return spans, close + 2


def _raw_exact(buf):
    """The raw record of a dump in the exact D-1 layout, or raises _Bad."""
    m = _HEAD.match(buf)
    if m is None:
        raise _Bad()
    rec = {"format_version": ("num", m.group(1).decode()), "flags": ("num", m.group(2).decode()),
           "evt_base_id": ("str",) + _lit(buf, m.span(3))}
    kv_spans, pos = _exact_lines(buf, m.end(), b',"events":')
    if not buf.startswith(b',"events":', pos):
        raise _Bad()
    ev_spans, pos = _exact_lines(buf, pos + 10, b"}\n")
    if buf[pos:] != b"}\n":
        raise _Bad()
    kv = []
    for a, b in kv_spans:
        lm = _KV_LINE.match(buf, a, b)
        if lm is None:
            raise _Bad()
        item = {"key": ("str",) + _lit(buf, lm.span(1)), "value_hex": ("str",) + _lit(buf, lm.span(2))}
        if lm.group(3) is not None:
            item["value_utf8"] = ("str",) + _lit(buf, lm.span(3))
        kv.append(item)
    events = []
    for a, b in ev_spans:
        lm = _EV_LINE.match(buf, a, b)
        if lm is None:
            raise _Bad()
        item = {"id": ("str",) + _lit(buf, lm.span(1)), "ts": ("str",) + _lit(buf, lm.span(2)),
                "kind": ("num", lm.group(3).decode()), "source": ("num", lm.group(4).decode()),
                "flags": ("num", lm.group(5).decode()), "payload_hex": ("str",) + _lit(buf, lm.span(6))}
        if lm.group(7) is not None:
            item["payload_utf8"] = ("str",) + _lit(buf, lm.span(7))
        events.append(item)
    rec["kv"] = ("arr", kv)
    rec["events"] = ("arr", events)
    return rec


def _raw_node(buf, node):
    """A scanner node as a raw value: ("str", text, lone), ("num", lexeme), ("arr", items),
    a dict of members for objects (duplicates rejected), ("other",) for literals."""
    if isinstance(node, Str):
        return ("str", node.text, node.lone)
    if isinstance(node, Num):
        return ("num", buf[node.pos:node.end].decode("ascii"))
    if isinstance(node, Arr):
        return ("arr", node.items)
    if isinstance(node, Obj):
        out = {}
        for name, value in node.members:
            if name.lone:
                _fail("member name with a lone surrogate")
            if name.text in out:
                _fail(f"duplicate member {name.text!r}")
            out[name.text] = value
        return out
    return ("other",)


def _raw_general(buf):
    try:
        res = scan(buf, 0, len(buf), tree=True)
    except JsonError as e:
        _fail(f"not a JSON object at byte {e.pos}: {e.message}")
    rec = {k: _raw_node(buf, v) for k, v in _raw_node(buf, res.root).items()}
    for name in ("kv", "events"):
        if name in rec and rec[name][0] == "arr":
            items = []
            for it in rec[name][1]:
                d = _raw_node(buf, it)
                if not isinstance(d, dict):
                    _fail(f"{name} item is not an object")
                items.append({k: _raw_node(buf, v) for k, v in d.items()})
            rec[name] = ("arr", items)
    return rec


def _members(obj, required, optional, what):
    if not isinstance(obj, dict):
        _fail(f"{what} is not an object")
    for k in obj:
        if k not in required and k not in optional:
            _fail(f"{what}: unknown member {k!r}")
    for r in required:
        if r not in obj:
            _fail(f"{what}: missing member {r!r}")
    return obj


def _int(v, hi, what):
    if v[0] != "num" or _INT.match(v[1]) is None:
        _fail(f"{what} is not a non-negative integer without sign, fraction or exponent")
    if len(v[1]) > 20 or int(v[1]) > hi:
        _fail(f"{what} is out of range")
    return int(v[1])


def _string(v, what):
    if v[0] != "str":
        _fail(f"{what} is not a string")
    if v[2]:
        _fail(f"{what} holds a lone surrogate")
    return v[1]


def _u64str(v, what):
    s = _string(v, what)
    if _U64STR.match(s) is None or int(s) >= 1 << 64:
        _fail(f"{what} is not a decimal u64 string")
    return int(s)


def _bytes_with_utf8(m, hex_name, utf8_name, what):
    h = _string(m[hex_name], f"{what}.{hex_name}")
    if _HEX.match(h) is None:
        _fail(f"{what}.{hex_name} is not lowercase hex")
    b = bytes.fromhex(h)
    valid = is_valid(b)
    if utf8_name in m:
        u = _string(m[utf8_name], f"{what}.{utf8_name}")
        if not valid or u.encode("utf-8") != b:
            _fail(f"{what}.{utf8_name} does not match {hex_name} (D-2)")
    elif valid:
        _fail(f"{what}.{utf8_name} is missing for valid UTF-8 bytes (D-2)")
    return b


def _content_of(rec) -> Content:
    top = _members(rec, ("format_version", "flags", "evt_base_id", "kv", "events"), (), "dump")
    version = _int(top["format_version"], 2, "format_version")
    if version not in (1, 2):
        _fail("format_version is not 1 or 2")
    flags = _int(top["flags"], U32_MAX, "flags")
    base = _u64str(top["evt_base_id"], "evt_base_id")
    if top["kv"][0] != "arr" or top["events"][0] != "arr":
        _fail("kv and events must be arrays")
    kv = {}
    for i, item in enumerate(top["kv"][1]):
        m = _members(item, ("key", "value_hex"), ("value_utf8",), f"kv[{i}]")
        key = _string(m["key"], f"kv[{i}].key")
        if key in kv:
            _fail(f"kv[{i}]: duplicate key")
        kv[key] = _bytes_with_utf8(m, "value_hex", "value_utf8", f"kv[{i}]")
    events = []
    for i, item in enumerate(top["events"][1]):
        what = f"events[{i}]"
        m = _members(item, ("id", "ts", "kind", "source", "flags", "payload_hex"),
                     ("payload_utf8",), what)
        if _u64str(m["id"], what + ".id") != base + i + 1:
            # The id follows from the position (R-EVT-10); a dump that says otherwise
            # breaks D-6 and is the dump of no content (W-CAN-4).
            _fail(f"{what}.id is not evt_base_id + {i + 1} (D-6)")
        events.append(Event(_u64str(m["ts"], what + ".ts"),
                            _int(m["kind"], U8_MAX, what + ".kind"),
                            _int(m["source"], U8_MAX, what + ".source"),
                            _int(m["flags"], U8_MAX, what + ".flags"),
                            _bytes_with_utf8(m, "payload_hex", "payload_utf8", what)))
    if version == 1 and (base != 0 or events):
        _fail('a v1 dump has evt_base_id "0" and no events (D-7)')
    return Content(version, flags, base, kv, events)


def parse_dump(b: bytes) -> Content:
    """Content of a conformance dump; raises ValueError when b is not a valid dump."""
    buf = bytes(b)
    bad = first_invalid(buf)
    if bad >= 0:
        _fail(f"not UTF-8 at byte {bad}")
    try:
        rec = _raw_exact(buf)
    except _Bad:
        rec = _raw_general(buf)
    return _content_of(rec)
