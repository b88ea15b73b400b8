"""The conformance dump (spec section 11): dump() writes it byte-exactly, parse_dump() reads it.

D-1 layout, D-2 member order, D-3 numbers (64-bit ones as strings), D-4 lowercase hex,
D-5 string escaping of 4.1, D-6 kv sorted by UTF-8 bytes and events in section order,
D-7 v1 files.
"""

import re

from .bytesutil import U32_MAX, U8_MAX
from .errors import Refused
from .jsonscan import JsonError, decode_string
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
# parse_dump: the writer's input.  Spec 1.0.1 (W-CAN-4) makes it exactly the bytes of section
# 11: one text per content, so anything else -- another layout, another escape spelling, an
# unsorted kv, bytes after the end -- is refused with the D rule it breaks, as the C writer
# does.  The text is split with the D-1 layout, then every field is checked against the one
# spelling D-3..D-5 allow.

_U64STR = re.compile(rb"(?:0|[1-9][0-9]{0,19})\Z")
_HEX = re.compile(rb"(?:[0-9a-f]{2})*\Z")
_INT = re.compile(rb"(?:0|[1-9][0-9]*)\Z")
_STR = rb'"[^"\\]*(?:\\.[^"\\]*)*"'
_HEAD = re.compile(rb'\{"format_version":([0-9]+),"flags":([0-9]+),"evt_base_id":(' + _STR + rb'),"kv":')
_KV_LINE = re.compile(rb'\{"key":(' + _STR + rb'),"value_hex":(' + _STR + rb')(?:,"value_utf8":(' + _STR + rb'))?\}\Z')
_EV_LINE = re.compile(rb'\{"id":(' + _STR + rb'),"ts":(' + _STR + rb'),"kind":([0-9]+),"source":([0-9]+),'
                      rb'"flags":([0-9]+),"payload_hex":(' + _STR + rb')(?:,"payload_utf8":(' + _STR + rb'))?\}\Z')


def _fail(rule, at, msg):
    raise Refused(rule, at, "not a conformance dump: " + msg)


def _layout(at):
    _fail("D-1", at, "the dump does not have the layout of D-1/D-2 here")


def _text(buf, span):
    """D-5: a JSON string literal buf[span] spelled exactly as 4.1 `string` writes it."""
    a, b = span
    try:
        text, lone = decode_string(buf, a, b)
    except JsonError as e:
        _fail("D-5", e.pos, "not a JSON string in the form of spec 4.1")
    if lone:
        _fail("W-IDX-2", a, "a lone surrogate: not Unicode text, no UTF-8 form")
    if json_string(text).encode("utf-8") != buf[a:b]:
        _fail("D-5", a, "a string escape other than the ones spec 4.1 writes")
    return text


def _raw(buf, span):
    """The bytes between the quotes of a hex or decimal string (no escape can be right)."""
    return buf[span[0] + 1:span[1] - 1]


def _int(buf, span, hi, what):
    """D-3: a decimal number without sign, fraction, exponent or leading zero, <= hi."""
    s = buf[span[0]:span[1]]
    if _INT.match(s) is None:
        _fail("D-3", span[0], f"{what} has a leading zero")
    if int(s) > hi:
        _fail("D-3", span[0], f"{what} is out of range")
    return int(s)


def _u64str(buf, span, what):
    s = _raw(buf, span)
    if _U64STR.match(s) is None or int(s) >= 1 << 64:
        _fail("D-3", span[0], f"{what} is not a decimal u64 string")
    return int(s)


def _bytes_with_utf8(buf, m, hex_group, what):
    """D-4 hex bytes, then D-2: the _utf8 member present exactly for UTF-8 bytes, equal."""
    h = _raw(buf, m.span(hex_group))
    if _HEX.match(h) is None:
        _fail("D-4", m.start(hex_group), f"{what} is not lowercase hex, two digits per byte")
    b = bytes.fromhex(h.decode("ascii"))
    valid = is_valid(b)
    if m.group(hex_group + 1) is not None:
        if not valid:
            _fail("D-2", m.start(hex_group + 1), f"{what}: a _utf8 member for bytes that are not UTF-8")
        if _text(buf, m.span(hex_group + 1)).encode("utf-8") != b:
            _fail("D-2", m.start(hex_group + 1), f"{what}: the _utf8 member differs from the hex bytes")
    elif valid:
        _fail("D-2", m.end(hex_group), f"{what}: the _utf8 member is missing for valid UTF-8 bytes")
    return b


def _lines(buf, pos, end_marker):
    """D-1 framing of an array at pos: `[]`, or `[` LF item (`,` LF item)* LF `]`, followed by
    end_marker.  Returns (list of (start, end) of the items, position after the `]`)."""
    if buf.startswith(b"[]", pos):
        return [], pos + 2
    if not buf.startswith(b"[\n", pos):
        _layout(pos)
    close = buf.find(b"\n]" + end_marker, pos)
    if close < 0:
        _layout(pos)
    spans = []
    start = pos + 2
    while True:
        nl = buf.find(b"\n", start, close)
        if nl < 0:
            spans.append((start, close))
            return spans, close + 2
        if buf[nl - 1] != 0x2C:
            _layout(nl)
        spans.append((start, nl - 1))
        start = nl + 1


def parse_dump(b: bytes) -> Content:
    """Content of a conformance dump; raises Refused (a ValueError with the D rule or the W
    rule it breaks) when b is not exactly the dump of some content."""
    buf = bytes(b)
    bad = first_invalid(buf)
    if bad >= 0:
        _fail("D-1", bad, "not UTF-8")
    m = _HEAD.match(buf)
    if m is None:
        _layout(0)
    version = _int(buf, m.span(1), 2, "format_version")
    if version not in (1, 2):
        _fail("D-3", m.start(1), "format_version is not 1 or 2")
    flags = _int(buf, m.span(2), U32_MAX, "flags")
    base = _u64str(buf, m.span(3), "evt_base_id")
    kv_spans, pos = _lines(buf, m.end(), b',"events":')
    if not buf.startswith(b',"events":', pos):
        _layout(pos)
    kv = {}
    prev = None
    for a, e in kv_spans:
        lm = _KV_LINE.match(buf, a, e)
        if lm is None:
            _layout(a)
        key = _text(buf, lm.span(1))
        kb = key.encode("utf-8")
        if prev is not None and kb <= prev:
            _fail("W-IDX-2" if kb == prev else "D-6", a,
                  "duplicate key" if kb == prev else "kv is not sorted by key bytes")
        prev = kb
        kv[key] = _bytes_with_utf8(buf, lm, 2, f"value of {key!r}")
    ev_spans, pos = _lines(buf, pos + 10, b"}\n")
    events = []
    for i, (a, e) in enumerate(ev_spans):
        lm = _EV_LINE.match(buf, a, e)
        if lm is None:
            _layout(a)
        if _u64str(buf, lm.span(1), "id") != base + i + 1:
            # The id follows from the position (R-EVT-10); a dump that says otherwise
            # breaks D-6 and is the dump of no content (W-CAN-4).
            _fail("D-6", lm.start(1), f"events[{i}].id is not evt_base_id + {i + 1}")
        events.append(Event(_u64str(buf, lm.span(2), "ts"),
                            _int(buf, lm.span(3), U8_MAX, "kind"),
                            _int(buf, lm.span(4), U8_MAX, "source"),
                            _int(buf, lm.span(5), U8_MAX, "flags"),
                            _bytes_with_utf8(buf, lm, 6, f"payload of event {i}")))
    if not buf.startswith(b"}\n", pos):
        _layout(pos)
    if pos + 2 != len(buf):
        _fail("D-1", pos + 2, "bytes after the end of the dump")
    if version == 1 and (base != 0 or events):
        _fail("D-7", 0, 'a v1 dump has evt_base_id "0" and no events')
    return Content(version, flags, base, kv, events)
