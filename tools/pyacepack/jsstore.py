"""Shared machinery of the JS store emulators (jsv1.py, jsv2.py): the file as pwrite and
truncate change it, the byte helpers the JS code uses (u32be/u64be/readU64 with JS number
conversions), the KV index as a JS Map and the appendEntry argument as a JS object."""

import math

from . import jsjson as J
from .bytesutil import u32_at

MAGIC = b"ACEPACK\x00"


def u32be(x) -> bytes:
    """DataView.setUint32(x): ToUint32."""
    return J.to_uint(x, 32).to_bytes(4, "big")


def u64be(n) -> bytes:
    """The stores' u64be(n): setUint32(Math.floor(n / 2^32)) and setUint32(n >>> 0)."""
    x = J.to_number(n)
    hi = math.floor(x / 2.0 ** 32) if math.isfinite(x) else x   # Math.floor keeps NaN/inf
    return J.to_uint(hi, 32).to_bytes(4, "big") + J.to_uint(x, 32).to_bytes(4, "big")


def read_u64(buf: bytes, off: int) -> float:
    """readU64: getUint32(off) * 2^32 + getUint32(off + 4), in double arithmetic."""
    return float(u32_at(buf, off)) * 2.0 ** 32 + float(u32_at(buf, off + 4))


def int_position(x, what):
    """A JS number used as a file position; the emulator models integer positions only."""
    v = J.to_number(x)
    if v != v or v < 0 or v != int(v) or v > 2 ** 53:
        raise J.NotDetermined(f"{what} {J.to_string(x)} is not a modelled file position")
    return int(v)


def clamped_slice(buf, start, end):
    """Buffer/Uint8Array slice(start, end) with integer bounds, clamped to the buffer."""
    n = len(buf)
    start = min(max(start, 0), n)
    end = min(max(end, 0), n)
    return bytes(buf[start:end]) if end > start else b""


class JsFile:
    """A file on disk, as pwrite/truncate change it."""

    def __init__(self, data: bytes = b""):
        self.buf = bytearray(data)

    def write_at(self, data: bytes, pos: int):
        if pos > len(self.buf):
            self.buf.extend(bytes(pos - len(self.buf)))   # a hole reads as zeros
        self.buf[pos:pos + len(data)] = data

    def read_exact(self, pos: int, length: int) -> bytes:
        if pos + length > len(self.buf):
            raise J.JsError("AcePackedStore: unexpected EOF")
        return bytes(self.buf[pos:pos + length])

    def truncate(self, size: int):
        if size < len(self.buf):
            del self.buf[size:]
        else:
            self.buf.extend(bytes(size - len(self.buf)))


def entry_object(kind, content_source, key, payload_json, parent_id_json, flags, entry_json):
    """The `entry` argument of appendEntry as a JS object."""
    if entry_json is not None:
        e = J.json_parse(entry_json)
        if not isinstance(e, J.JSObject):
            raise ValueError("entry_json must be a JSON object")
        return e
    e = J.JSObject()
    e["kind"] = kind
    e["content_source"] = content_source
    if key is not None:
        e["key"] = key
    if payload_json is not None:
        e["payload"] = J.json_parse(payload_json)
    if parent_id_json is not None:
        e["parent_id"] = J.json_parse(parent_id_json)
    if flags is not None:
        e["flags"] = flags
    return e


def index_json(kv_index: dict) -> bytes:
    """TEXT.encode(JSON.stringify(Object.fromEntries(map)))."""
    obj = J.JSObject()
    for k, v in kv_index.items():
        obj[k] = v
    return J.text_encode(J.stringify(obj))


def load_index(file: bytes, off: float, length: float) -> dict:
    """new Map(Object.entries(JSON.parse(DECODE.decode(file.slice(off, off + length)))))."""
    start = int_position(off, "index offset")
    end = int_position(J.to_number(off) + J.to_number(length), "index end")
    obj = J.json_parse(J.text_decode(clamped_slice(file, start, end)))
    if obj is None:
        raise J.JsError("TypeError: Cannot convert undefined or null to object")
    if not isinstance(obj, J.JSObject):
        raise J.NotDetermined("index is not a JSON object: Object.entries of it is not modelled")
    return {k: v for k, v in obj.js_items()}


def prop(v, name):
    """v[name] for a JS value from JSON (own data properties only; see jsjson)."""
    if v is None or v is J.UNDEFINED:
        raise J.JsError(f"TypeError: Cannot read properties of {J.to_string(v)}")
    if isinstance(v, J.JSObject):
        return v.get_prop(name)
    return J.UNDEFINED


def position_prop(entry, name):
    return int_position(prop(entry, name), name)


def compact_chunks(src: bytes, index: dict, region_start: int):
    """The chunk placement both stores' compact() share: chunks sliced with the index length
    (clamped by Buffer.slice), the new index computed from the index lengths, the chunks
    placed with their actual (possibly shorter) lengths."""
    live = {}
    chunks = []
    write_off = region_start
    for key, entry in index.items():
        offset = position_prop(entry, "offset")
        length = prop(entry, "length")
        chunks.append(clamped_slice(src, offset + 4, offset + 4 + int_position(length, "length")))
        o = J.JSObject()
        o["offset"] = float(write_off)
        o["length"] = length
        live[key] = o
        write_off = write_off + 4 + int_position(length, "length")
    return live, chunks, write_off


def typed_set(out: bytearray, data: bytes, pos: int):
    """TypedArray.prototype.set: throws RangeError when data does not fit."""
    if pos + len(data) > len(out):
        raise J.JsError("RangeError: offset is out of bounds")
    out[pos:pos + len(data)] = data
