"""Compose conformance dumps (spec section 11) for the inputs of `write` cases.

Expected dumps always come from pyacepack. This composer exists because some write-case
inputs are dumps of content that no file can hold (a timestamp of 2^53, a duplicate key, a
key that is not Unicode), which a dump producer would never emit; the generator checks that
for writable content our text equals pyacepack.dump() of the same content.
"""

from .binfmt import jstr


class RawKey(str):
    """A key given as its literal JSON text (quotes included), written as is."""


def _utf8(b):
    try:
        return b.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _kv_line(key, value):
    k = key if isinstance(key, RawKey) else jstr(key)
    s = '{"key":%s,"value_hex":"%s"' % (k, value.hex())
    u = _utf8(value)
    if u is not None:
        s += ',"value_utf8":' + jstr(u)
    return s + "}"


def _event_line(eid, e):
    ts, kind, source, flags, payload = e
    s = '{"id":"%d","ts":"%d","kind":%d,"source":%d,"flags":%d,"payload_hex":"%s"' % (
        eid, ts, kind, source, flags, payload.hex())
    u = _utf8(payload)
    if u is not None:
        s += ',"payload_utf8":' + jstr(u)
    return s + "}"


def _array(lines):
    if not lines:
        return "[]"
    return "[\n" + ",\n".join(lines) + "\n]"


def dump_text(kv, events=(), base=0, flags=0, version=2, sort=True):
    """kv: list of (key, bytes) pairs (sorted by UTF-8 bytes unless sort=False, duplicates
    kept); events: list of (ts, kind, source, flags, payload) tuples. Returns bytes."""
    pairs = list(kv)
    if sort:
        pairs.sort(key=lambda p: p[0].encode("utf-8", "surrogatepass"))
    kv_lines = [_kv_line(k, v) for k, v in pairs]
    ev_lines = [_event_line(base + i + 1, e) for i, e in enumerate(events)]
    text = '{"format_version":%d,"flags":%d,"evt_base_id":"%d","kv":%s,"events":%s}\n' % (
        version, flags, base, _array(kv_lines), _array(ev_lines))
    return text.encode("utf-8")
