"""Emulation of @voybio/ace-swarm 0.1.0's AcePackedStore (format v1), byte for byte.

See js.py for what is emulated and how.
"""

from . import jsjson as J
from .jsstore import (MAGIC, JsFile, compact_chunks, entry_object, index_json, int_position,
                      load_index, position_prop, read_u64, typed_set, u32be, u64be)

HEADER_V1 = 64
SEQ_KEY = "meta/log_entry_seq"


def _header_v1(idx_off, idx_len) -> bytes:
    """writeHeader(): magic, version 1, flags 0, index offset and length, reserved zero."""
    return MAGIC + u32be(1.0) + u32be(0.0) + u64be(idx_off) + u64be(idx_len) + bytes(32)


class StoreV1:
    """What @voybio/ace-swarm 0.1.0's AcePackedStore writes, operation by operation."""

    def __init__(self):
        self._file = JsFile()
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
        s._file = JsFile(_header_v1(float(HEADER_V1), float(len(idx))) + idx)
        return s

    @classmethod
    def open(cls, existing: bytes):
        """_loadExistingStore(): the version is not checked."""
        s = cls()
        file = bytes(existing)
        s._file = JsFile(file)
        if len(file) < HEADER_V1:
            raise J.JsError("AcePackedStore: file too short")
        if J.text_decode(file[0:8]) != MAGIC.decode("latin-1"):
            raise J.JsError("AcePackedStore: invalid magic bytes — not an ACEPACK file")
        idx_off = read_u64(file, 16)
        idx_len = read_u64(file, 24)
        s.index = load_index(file, idx_off, idx_len)
        s.chunk_end = idx_off
        s.entry_counter = float(sum(1 for k in s.index if k.startswith("core/log/")))
        return s

    def set(self, key: str, value: bytes):
        value = bytes(value)
        pos = int_position(self.chunk_end, "chunkEnd")
        self._file.write_at(u32be(float(len(value))), pos)
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
        return self._file.read_exact(position_prop(entry, "offset") + 4, position_prop(entry, "length"))

    def _get_json(self, key: str):
        raw = self.get(key)
        if raw is None:
            return J.UNDEFINED
        return J.json_parse(J.text_decode(raw))

    def append_entry(self, ts, kind=None, content_source=None, key=None, payload_json=None,
                     parent_id_json=None, flags=None, entry_json=None) -> str:
        """appendEntry(entry) with Date.now() = ts.  Returns the log key written."""
        e = entry_object(kind, content_source, key, payload_json, parent_id_json, flags, entry_json)
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
        idx = index_json(self.index)
        pos = int_position(self.chunk_end, "chunkEnd")
        self._file.write_at(idx, pos)
        self._file.write_at(_header_v1(float(pos), float(len(idx))), 0)
        self._file.truncate(pos + len(idx))
        self.dirty = False

    def compact(self):
        src = bytes(self._file.buf)
        live, chunks, write_off = compact_chunks(src, self.index, HEADER_V1)
        idx = index_json(live)
        total = HEADER_V1 + sum(4 + len(c) for c in chunks) + len(idx)
        out = bytearray(total)
        typed_set(out, _header_v1(float(write_off), float(len(idx))), 0)
        pos = HEADER_V1
        for chunk in chunks:
            typed_set(out, u32be(float(len(chunk))), pos)
            typed_set(out, chunk, pos + 4)
            pos += 4 + len(chunk)
        typed_set(out, idx, pos)
        self._file = JsFile(bytes(out))
        self.index = live
        self.chunk_end = float(write_off)
        self.dirty = False

    def close(self):
        self.commit()
