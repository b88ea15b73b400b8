"""Emulation of @voybio/ace-swarm 0.2.0's AcePackedStore (format v2), byte for byte.

See js.py for what is emulated and how.
"""

from . import jsjson as J
from .bytesutil import u32_at
from .jsstore import (MAGIC, JsFile, compact_chunks, entry_object, index_json, int_position,
                      load_index, position_prop, prop, read_u64, typed_set, clamped_slice, u32be,
                      u64be)

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
    out = bytearray(u32be(float(n)))
    for e in events:
        out += u64be(e.ts)
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
    sec = clamped_slice(file, evt_off, evt_off + evt_len)

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
        blob = J.text_decode(clamped_slice(sec, pool + offs[i], pool + offs[i] + lens[i]))
        recs.append(_Rec(ts[i], cols[0][i], cols[1][i], cols[2][i], blob))
    return recs


def _header_v2(idx_off, idx_len, chunk_end, evt_off, evt_len, evt_count, base) -> bytes:
    """writeHeaderV2(): magic, version 2, flags 0, fields, reserved zero."""
    return (MAGIC + u32be(2.0) + u32be(0.0) + u64be(idx_off) + u64be(idx_len)
            + u64be(chunk_end) + u64be(evt_off) + u64be(evt_len) + u32be(evt_count)
            + u32be(base) + bytes(64))


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
        self._file = JsFile()
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
        s._file = JsFile(_header_v2(idx_off, len(idx), HEADER_V2, evt_off, len(evt), 0, 0) + evt + idx)
        return s

    @classmethod
    def open(cls, existing: bytes):
        """open() of an existing file: _loadExisting()."""
        s = cls()
        file = bytes(existing)
        s._file = JsFile(file)
        if len(file) < 64:
            raise J.JsError("AcePackedStore: file too short")
        if J.text_decode(file[0:8]) != MAGIC.decode("latin-1"):
            raise J.JsError("AcePackedStore: invalid magic — not an ACEPACK file")
        version = u32_at(file, 8)
        is_v2 = version >= 2
        idx_off = read_u64(file, 16)
        idx_len = read_u64(file, 24)
        s.kv_index = load_index(file, idx_off, idx_len)
        if is_v2:
            s.kv_chunk_end = read_u64(file, 32)
            evt_off = read_u64(file, 40)
            evt_len = read_u64(file, 48)
            if evt_len > 0:
                s.committed = _deserialize_event_section(
                    file, int_position(evt_off, "evt_offset"),
                    int_position(evt_len, "evt_length"))
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
            start = J.add(prop(entry, "offset"), 4.0)
            end = J.add(start, prop(entry, "length"))
            if J.to_number(end) > len(file):
                continue
            text = J.text_decode(clamped_slice(file, int_position(start, "offset"), int_position(end, "end")))
            if text == "":
                continue                      # `if (!entry) continue`: "" is falsy
            try:
                e = J.json_parse(text)
                rec = _Rec(prop(e, "ts"), prop(e, "kind"), prop(e, "content_source"),
                           None, None)
                flags = prop(e, "flags")
                rec.flags = 0.0 if flags is None or flags is J.UNDEFINED else flags
                rec.blob = _event_blob(prop(e, "key"), prop(e, "payload"), prop(e, "parent_id"))
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
        pos = int_position(self.kv_chunk_end, "kvChunkEnd")
        self._file.write_at(u32be(float(len(value))), pos)
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
        return self._file.read_exact(position_prop(entry, "offset") + 4, position_prop(entry, "length"))

    # -- events

    def append_entry(self, ts, kind=None, content_source=None, key=None, payload_json=None,
                     parent_id_json=None, flags=None, entry_json=None) -> int:
        """appendEntry(entry) with Date.now() = ts.  Returns the id the store reports."""
        e = entry_object(kind, content_source, key, payload_json, parent_id_json, flags, entry_json)
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
        idx = index_json(self.kv_index)
        evt_off = int_position(self.kv_chunk_end, "kvChunkEnd")
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
        live, chunks, write_off = compact_chunks(src, self.kv_index, HEADER_V2)
        self.kv_index = live
        self.kv_chunk_end = float(write_off)
        evt = _serialize_event_section(self.committed)
        idx = index_json(live)
        evt_off = write_off
        idx_off = evt_off + len(evt)
        out = bytearray(idx_off + len(idx))
        out[0:HEADER_V2] = _header_v2(float(idx_off), float(len(idx)), float(write_off),
                                      float(evt_off), float(len(evt)),
                                      float(len(self.committed)), self.evt_base_id)
        pos = HEADER_V2
        for chunk in chunks:
            typed_set(out, u32be(float(len(chunk))), pos)
            pos += 4
            typed_set(out, chunk, pos)
            pos += len(chunk)
        typed_set(out, evt, evt_off)
        typed_set(out, idx, idx_off)
        self._file = JsFile(bytes(out))

    def close(self):
        self.commit()
