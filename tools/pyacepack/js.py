"""Byte-exact emulation of the files the JavaScript stores write (0.1.0: StoreV1, 0.2.0: StoreV2).

The corpus area js/ holds "files exactly as the JS store writes them", and the errata examples
need what the JS store does wrong.  These classes reproduce the observable bytes of the file
after each operation, including the JS store's defects:
  - set() writes its chunk at the in-memory chunk end, which is where the committed event
    section (v2) or index (v1) lies: those bytes are overwritten before any commit;
  - the index is JSON.stringify(Object.fromEntries(map)): array-index keys ("7", "42") first in
    numeric order, then the others in Map insertion order;
  - 0.2.0 opening a v1 file moves core/log/ entries into events in memory, renumbered, drops
    malformed ones and every core/log/ key, and its commit writes a 128-byte header over the
    first 64 bytes of the v1 chunk region.

Timestamps are explicit (Date.now() is replaced by the ts argument).  Payload values and entry
objects are given as JSON text; they are read as JSON.parse reads them and written back with
JSON.stringify, as the JS store does with the objects its callers pass.

The emulator works on an in-memory file (self.data); there is no lock file.
"""

import math

from . import jsjson as J
from .bytesutil import u32_at

MAGIC = b"ACEPACK\x00"


def _u32be(x) -> bytes:
    """DataView.setUint32(x): ToUint32."""
    return J.to_uint(x, 32).to_bytes(4, "big")


def _u64be(n) -> bytes:
    """The stores' u64be(n): setUint32(Math.floor(n / 2^32)) and setUint32(n >>> 0)."""
    x = J.to_number(n)
    hi = math.floor(x / 2.0 ** 32) if math.isfinite(x) else x   # Math.floor keeps NaN/inf
    return J.to_uint(hi, 32).to_bytes(4, "big") + J.to_uint(x, 32).to_bytes(4, "big")


def _read_u64(buf: bytes, off: int) -> float:
    """readU64: getUint32(off) * 2^32 + getUint32(off + 4), in double arithmetic."""
    return float(u32_at(buf, off)) * 2.0 ** 32 + float(u32_at(buf, off + 4))


def _int_position(x, what):
    """A JS number used as a file position; the emulator models integer positions only."""
    v = J.to_number(x)
    if v != v or v < 0 or v != int(v) or v > 2 ** 53:
        raise J.NotDetermined(f"{what} {J.to_string(x)} is not a modelled file position")
    return int(v)


def _slice(buf, start, end):
    """Buffer/Uint8Array slice(start, end) with integer bounds, clamped to the buffer."""
    n = len(buf)
    start = min(max(start, 0), n)
    end = min(max(end, 0), n)
    return bytes(buf[start:end]) if end > start else b""


class _File:
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


def _entry_object(kind, content_source, key, payload_json, parent_id_json, flags, entry_json):
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


def _index_json(kv_index: dict) -> bytes:
    """TEXT.encode(JSON.stringify(Object.fromEntries(map)))."""
    obj = J.JSObject()
    for k, v in kv_index.items():
        obj[k] = v
    return J.text_encode(J.stringify(obj))


def _load_index(file: bytes, off: float, length: float) -> dict:
    """new Map(Object.entries(JSON.parse(DECODE.decode(file.slice(off, off + length)))))."""
    start = _int_position(off, "index offset")
    end = _int_position(J.to_number(off) + J.to_number(length), "index end")
    obj = J.json_parse(J.text_decode(_slice(file, start, end)))
    if obj is None:
        raise J.JsError("TypeError: Cannot convert undefined or null to object")
    if not isinstance(obj, J.JSObject):
        raise J.NotDetermined("index is not a JSON object: Object.entries of it is not modelled")
    return {k: v for k, v in obj.js_items()}


def _prop(v, name):
    """v[name] for a JS value from JSON (own data properties only; see jsjson)."""
    if v is None or v is J.UNDEFINED:
        raise J.JsError(f"TypeError: Cannot read properties of {J.to_string(v)}")
    if isinstance(v, J.JSObject):
        return v.get_prop(name)
    return J.UNDEFINED


def _new_pos(entry, name):
    return _int_position(_prop(entry, name), name)


def _compact_chunks(src: bytes, index: dict, region_start: int):
    """The chunk placement both stores' compact() share: chunks sliced with the index length
    (clamped by Buffer.slice), the new index computed from the index lengths, the chunks
    placed with their actual (possibly shorter) lengths."""
    live = {}
    chunks = []
    write_off = region_start
    for key, entry in index.items():
        offset = _new_pos(entry, "offset")
        length = _prop(entry, "length")
        chunks.append(_slice(src, offset + 4, offset + 4 + _int_position(length, "length")))
        o = J.JSObject()
        o["offset"] = float(write_off)
        o["length"] = length
        live[key] = o
        write_off = write_off + 4 + _int_position(length, "length")
    return live, chunks, write_off


# ======================================================================= 0.2.0 (format v2)

HEADER_V2 = 128


class _Rec:
    """An event as 0.2.0 keeps it in memory: JS values, blob a JS string."""
    __slots__ = ("ts", "kind", "source", "flags", "blob")

    def __init__(self, ts, kind, source, flags, blob):
        self.ts, self.kind, self.source, self.flags, self.blob = ts, kind, source, flags, blob


def _serialize_event_section(events) -> bytes:
    """serializeEventSection(): the 3.3.1 layout with JS conversions of each field."""
    n = len(events)
    payloads = [J.text_encode(e.blob) for e in events]
    pad = (4 - n % 4) % 4
    out = bytearray(_u32be(float(n)))
    for e in events:
        out += _u64be(e.ts)
    for name in ("kind", "source", "flags"):
        for e in events:
            out.append(J.to_uint(getattr(e, name), 8))   # Uint8Array element store: ToUint8
    out += bytes(pad)
    pool_off = 0
    for p in payloads:
        out += pool_off.to_bytes(4, "big")
        pool_off += len(p)
    for p in payloads:
        out += len(p).to_bytes(4, "big")
    out += pool_off.to_bytes(4, "big")
    for p in payloads:
        out += p
    return bytes(out)


def _deserialize_event_section(file: bytes, evt_off: int, evt_len: int):
    """deserializeEventSection(file.slice(evt_off, evt_off + evt_len)).

    The section is a view into the file's memory: its DataView reaches past the section
    (into the rest of the file, deterministic) and past the file (other memory: not
    determined by the file -> NotDetermined).  Uint8Array reads past the section give
    undefined.
    """
    start = min(evt_off, len(file))
    sec = _slice(file, evt_off, evt_off + evt_len)

    def dv_u32(pos):
        a = start + pos
        if a + 4 > len(file):
            raise J.NotDetermined("the event section reader reads past the end of the file")
        return u32_at(file, a)

    def u8(pos):
        return sec[pos] if pos < len(sec) else J.UNDEFINED

    if len(sec) < 4:
        return []
    n = dv_u32(0)
    if n == 0:
        return []
    pos = 4
    ts = []
    for _ in range(n):
        ts.append(float(dv_u32(pos)) * 2.0 ** 32 + float(dv_u32(pos + 4)))
        pos += 8
    cols = []
    for _ in range(3):
        col = []
        for _ in range(n):
            col.append(u8(pos))
            pos += 1
        cols.append(col)
    pos += (4 - n % 4) % 4
    offs = []
    for _ in range(n):
        offs.append(dv_u32(pos))
        pos += 4
    lens = []
    for _ in range(n):
        lens.append(dv_u32(pos))
        pos += 4
    pos += 4
    pool = pos
    recs = []
    for i in range(n):
        blob = J.text_decode(_slice(sec, pool + offs[i], pool + offs[i] + lens[i]))
        recs.append(_Rec(ts[i], cols[0][i], cols[1][i], cols[2][i], blob))
    return recs


def _header_v2(idx_off, idx_len, chunk_end, evt_off, evt_len, evt_count, base) -> bytes:
    """writeHeaderV2(): magic, version 2, flags 0, fields, reserved zero."""
    return (MAGIC + _u32be(2.0) + _u32be(0.0) + _u64be(idx_off) + _u64be(idx_len)
            + _u64be(chunk_end) + _u64be(evt_off) + _u64be(evt_len) + _u32be(evt_count)
            + _u32be(base) + bytes(64))


def _event_blob(key, payload, parent_id) -> str:
    """JSON.stringify({key, payload, parent_id}): members that are undefined are omitted."""
    o = J.JSObject()
    o["key"] = key
    o["payload"] = payload
    o["parent_id"] = parent_id
    return J.stringify(o)


class StoreV2:
    """What @voybio/ace-swarm 0.2.0's AcePackedStore writes, operation by operation."""

    def __init__(self):
        self._file = _File()
        self.kv_index = {}          # Map insertion order; values are JS values
        self.kv_chunk_end = HEADER_V2
        self.committed = []
        self.pending = []
        self.evt_base_id = 0.0

    @property
    def data(self) -> bytes:
        return bytes(self._file.buf)

    # -- open

    @classmethod
    def new(cls):
        """open() of a path that does not exist: _initNew() writes the 138-byte empty store."""
        s = cls()
        evt = _serialize_event_section([])
        idx = J.text_encode("{}")
        evt_off = HEADER_V2
        idx_off = evt_off + len(evt)
        s._file = _File(_header_v2(idx_off, len(idx), HEADER_V2, evt_off, len(evt), 0, 0) + evt + idx)
        return s

    @classmethod
    def open(cls, existing: bytes):
        """open() of an existing file: _loadExisting()."""
        s = cls()
        file = bytes(existing)
        s._file = _File(file)
        if len(file) < 64:
            raise J.JsError("AcePackedStore: file too short")
        if J.text_decode(file[0:8]) != MAGIC.decode("latin-1"):
            raise J.JsError("AcePackedStore: invalid magic — not an ACEPACK file")
        version = u32_at(file, 8)
        is_v2 = version >= 2
        idx_off = _read_u64(file, 16)
        idx_len = _read_u64(file, 24)
        s.kv_index = _load_index(file, idx_off, idx_len)
        if is_v2:
            s.kv_chunk_end = _read_u64(file, 32)
            evt_off = _read_u64(file, 40)
            evt_len = _read_u64(file, 48)
            if evt_len > 0:
                s.committed = _deserialize_event_section(
                    file, _int_position(evt_off, "evt_offset"),
                    _int_position(evt_len, "evt_length"))
            s.evt_base_id = float(u32_at(file, 60))
        else:
            s.kv_chunk_end = idx_off      # a v1 index offset is the end of its chunk region
            s._migrate_v1_in_memory(file)
        return s

    def _migrate_v1_in_memory(self, file):
        """The 0.2.0 v1 path of _loadExisting: renumbers, drops malformed entries."""
        log_keys = sorted((k for k in self.kv_index if k.startswith("core/log/") and k != "core/log/__seq"),
                          key=J.utf16_sort_key)
        self.committed = []
        for lk in log_keys:
            entry = self.kv_index.get(lk)
            if entry is None or entry is False or entry == "" or entry == 0 or entry != entry:
                continue                      # _readKvBlobDirect: `if (!entry)` (falsy values)
            start = J.add(_prop(entry, "offset"), 4.0)
            end = J.add(start, _prop(entry, "length"))
            if J.to_number(end) > len(file):
                continue
            text = J.text_decode(_slice(file, _int_position(start, "offset"), _int_position(end, "end")))
            if text == "":
                continue                      # `if (!entry) continue`: "" is falsy
            try:
                e = J.json_parse(text)
                rec = _Rec(_prop(e, "ts"), _prop(e, "kind"), _prop(e, "content_source"),
                           None, None)
                flags = _prop(e, "flags")
                rec.flags = 0.0 if flags is None or flags is J.UNDEFINED else flags
                rec.blob = _event_blob(_prop(e, "key"), _prop(e, "payload"), _prop(e, "parent_id"))
            except J.JsError:
                continue                      # catch { /* skip malformed */ }
            self.committed.append(rec)
        for k in list(self.kv_index):
            if k.startswith("core/log/") or k == "meta/log_entry_seq":
                del self.kv_index[k]
        self.evt_base_id = 0.0

    # -- KV

    def set(self, key: str, value: bytes):
        value = bytes(value)
        pos = _int_position(self.kv_chunk_end, "kvChunkEnd")
        self._file.write_at(_u32be(float(len(value))), pos)
        self._file.write_at(value, pos + 4)
        o = J.JSObject()
        o["offset"] = float(pos)
        o["length"] = float(len(value))
        self.kv_index[key] = o                # Map.set keeps the position of an existing key
        self.kv_chunk_end = float(pos + 4 + len(value))

    def delete(self, key: str) -> bool:
        return self.kv_index.pop(key, None) is not None

    def get(self, key: str):
        entry = self.kv_index.get(key)
        if entry is None:
            return None
        return self._file.read_exact(_new_pos(entry, "offset") + 4, _new_pos(entry, "length"))

    # -- events

    def append_entry(self, ts, kind=None, content_source=None, key=None, payload_json=None,
                     parent_id_json=None, flags=None, entry_json=None) -> int:
        """appendEntry(entry) with Date.now() = ts.  Returns the id the store reports."""
        e = _entry_object(kind, content_source, key, payload_json, parent_id_json, flags, entry_json)
        ev_id = self.evt_base_id + len(self.committed) + len(self.pending) + 1
        f = e.get_prop("flags")
        rec = _Rec(float(ts), e.get_prop("kind"), e.get_prop("content_source"),
                   0.0 if f is None or f is J.UNDEFINED else f,
                   _event_blob(e.get_prop("key"), e.get_prop("payload"), e.get_prop("parent_id")))
        self.pending.append(rec)
        return int(ev_id)

    # -- commit / compact / close

    def commit(self):
        self.committed.extend(self.pending)
        self.pending = []
        evt = _serialize_event_section(self.committed)
        idx = _index_json(self.kv_index)
        evt_off = _int_position(self.kv_chunk_end, "kvChunkEnd")
        idx_off = evt_off + len(evt)
        self._file.write_at(evt, evt_off)
        self._file.write_at(idx, idx_off)
        self._file.truncate(idx_off + len(idx))
        self._file.write_at(_header_v2(float(idx_off), float(len(idx)), self.kv_chunk_end,
                                       float(evt_off), float(len(evt)),
                                       float(len(self.committed)), self.evt_base_id), 0)

    def compact(self):
        self.committed.extend(self.pending)
        self.pending = []
        src = bytes(self._file.buf)
        live, chunks, write_off = _compact_chunks(src, self.kv_index, HEADER_V2)
        self.kv_index = live
        self.kv_chunk_end = float(write_off)
        evt = _serialize_event_section(self.committed)
        idx = _index_json(live)
        evt_off = write_off
        idx_off = evt_off + len(evt)
        out = bytearray(idx_off + len(idx))
        out[0:HEADER_V2] = _header_v2(float(idx_off), float(len(idx)), float(write_off),
                                      float(evt_off), float(len(evt)),
                                      float(len(self.committed)), self.evt_base_id)
        pos = HEADER_V2
        for chunk in chunks:
            _set_within(out, _u32be(float(len(chunk))), pos)
            pos += 4
            _set_within(out, chunk, pos)
            pos += len(chunk)
        _set_within(out, evt, evt_off)
        _set_within(out, idx, idx_off)
        self._file = _File(bytes(out))

    def close(self):
        self.commit()


def _set_within(out: bytearray, data: bytes, pos: int):
    """TypedArray.prototype.set: throws RangeError when data does not fit."""
    if pos + len(data) > len(out):
        raise J.JsError("RangeError: offset is out of bounds")
    out[pos:pos + len(data)] = data


# ======================================================================= 0.1.0 (format v1)

HEADER_V1 = 64
SEQ_KEY = "meta/log_entry_seq"


def _header_v1(idx_off, idx_len) -> bytes:
    """writeHeader(): magic, version 1, flags 0, index offset and length, reserved zero."""
    return MAGIC + _u32be(1.0) + _u32be(0.0) + _u64be(idx_off) + _u64be(idx_len) + bytes(32)


class StoreV1:
    """What @voybio/ace-swarm 0.1.0's AcePackedStore writes, operation by operation."""

    def __init__(self):
        self._file = _File()
        self.index = {}
        self.chunk_end = HEADER_V1
        self.dirty = False
        self.entry_counter = 0.0

    @property
    def data(self) -> bytes:
        return bytes(self._file.buf)

    @classmethod
    def new(cls):
        """_initNewStore(): 64-byte header + "{}" (66 bytes)."""
        s = cls()
        idx = J.text_encode("{}")
        s._file = _File(_header_v1(float(HEADER_V1), float(len(idx))) + idx)
        return s

    @classmethod
    def open(cls, existing: bytes):
        """_loadExistingStore(): the version is not checked."""
        s = cls()
        file = bytes(existing)
        s._file = _File(file)
        if len(file) < HEADER_V1:
            raise J.JsError("AcePackedStore: file too short")
        if J.text_decode(file[0:8]) != MAGIC.decode("latin-1"):
            raise J.JsError("AcePackedStore: invalid magic bytes — not an ACEPACK file")
        idx_off = _read_u64(file, 16)
        idx_len = _read_u64(file, 24)
        s.index = _load_index(file, idx_off, idx_len)
        s.chunk_end = idx_off
        s.entry_counter = float(sum(1 for k in s.index if k.startswith("core/log/")))
        return s

    def set(self, key: str, value: bytes):
        value = bytes(value)
        pos = _int_position(self.chunk_end, "chunkEnd")
        self._file.write_at(_u32be(float(len(value))), pos)
        self._file.write_at(value, pos + 4)
        o = J.JSObject()
        o["offset"] = float(pos)
        o["length"] = float(len(value))
        self.index[key] = o
        self.chunk_end = float(pos + 4 + len(value))
        self.dirty = True

    def delete(self, key: str) -> bool:
        existed = self.index.pop(key, None) is not None
        if existed:
            self.dirty = True
        return existed

    def get(self, key: str):
        entry = self.index.get(key)
        if entry is None:
            return None
        return self._file.read_exact(_new_pos(entry, "offset") + 4, _new_pos(entry, "length"))

    def _get_json(self, key: str):
        raw = self.get(key)
        if raw is None:
            return J.UNDEFINED
        return J.json_parse(J.text_decode(raw))

    def append_entry(self, ts, kind=None, content_source=None, key=None, payload_json=None,
                     parent_id_json=None, flags=None, entry_json=None) -> str:
        """appendEntry(entry) with Date.now() = ts.  Returns the log key written."""
        e = _entry_object(kind, content_source, key, payload_json, parent_id_json, flags, entry_json)
        current = self._get_json(SEQ_KEY)
        if current is None or current is J.UNDEFINED:
            current = self.entry_counter
        ev_id = J.add(current, 1.0)
        self.entry_counter = ev_id
        self.set(SEQ_KEY, J.text_encode(J.stringify(ev_id)))
        full = J.JSObject(e)                  # {...entry, id, ts}: id/ts keep a spread position
        full["id"] = ev_id
        full["ts"] = float(ts)
        log_key = "core/log/" + J.pad_start(J.to_string(ev_id), 12)
        self.set(log_key, J.text_encode(J.stringify(full)))
        return log_key

    def commit(self):
        if not self.dirty:
            return
        idx = _index_json(self.index)
        pos = _int_position(self.chunk_end, "chunkEnd")
        self._file.write_at(idx, pos)
        self._file.write_at(_header_v1(float(pos), float(len(idx))), 0)
        self._file.truncate(pos + len(idx))
        self.dirty = False

    def compact(self):
        src = bytes(self._file.buf)
        live, chunks, write_off = _compact_chunks(src, self.index, HEADER_V1)
        idx = _index_json(live)
        total = HEADER_V1 + sum(4 + len(c) for c in chunks) + len(idx)
        out = bytearray(total)
        _set_within(out, _header_v1(float(write_off), float(len(idx))), 0)
        pos = HEADER_V1
        for chunk in chunks:
            _set_within(out, _u32be(float(len(chunk))), pos)
            _set_within(out, chunk, pos + 4)
            pos += 4 + len(chunk)
        _set_within(out, idx, pos)
        self._file = _File(bytes(out))
        self.index = live
        self.chunk_end = float(write_off)
        self.dirty = False

    def close(self):
        self.commit()
