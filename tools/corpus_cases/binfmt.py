"""Byte-level helpers for building and mutating ACEPACK files in the corpus generator.

These helpers place every field exactly where the caller says and recompute nothing unless
asked, so that a test file can break one rule and keep every other one.  They are written
from spec/ACEPACK.md (sections 3, 4.1 and 6) and are independent of tools/pyacepack, which the
generator uses only to produce expected results (and to cross-check `canonical_v2` below).
"""

MAGIC = b"ACEPACK\x00"
HDR2 = 128          # v2 header size (3.2)
HDR1 = 64           # v1 header size (6)
MAX53 = 2**53 - 1   # largest offset, length or timestamp a file may hold (1.2, 3.6)
MAX32 = 2**32 - 1
MAX64 = 2**64 - 1

# v2 header field offsets (3.2).
OFF_VERSION = 8
OFF_FLAGS = 12
OFF_KV_INDEX_OFFSET = 16
OFF_KV_INDEX_LENGTH = 24
OFF_KV_CHUNK_END = 32
OFF_EVT_OFFSET = 40
OFF_EVT_LENGTH = 48
OFF_EVT_COUNT = 56
OFF_EVT_BASE_ID = 60
# v1 header field offsets (6).
OFF_V1_INDEX_OFFSET = 16
OFF_V1_INDEX_LENGTH = 24


_VNAMES = {2**53 - 1: "2p53m1", 2**53: "2p53", 2**64 - 1: "2p64m1", 2**64 - 2: "2p64m2",
           2**32 - 1: "2p32m1", 2**32: "2p32", 2**32 - 2: "2p32m2", 2**31: "2p31"}


def vname(v):
    """A value as a file-name token: 2p53m1 for 2^53-1 and so on, else decimal."""
    return _VNAMES.get(v, str(v))


def u8(n):
    return bytes([n])


def u32(n):
    return n.to_bytes(4, "big")


def u64(n):
    return n.to_bytes(8, "big")


def get_u32(b, off):
    return int.from_bytes(b[off:off + 4], "big")


def get_u64(b, off):
    return int.from_bytes(b[off:off + 8], "big")


def patch(data, off, new):
    """Overwrite bytes at off (the file keeps its size unless new reaches past the end)."""
    data = bytes(data)
    return data[:off] + bytes(new) + data[off + len(new):]


def patch_u32(data, off, value):
    return patch(data, off, u32(value))


def patch_u64(data, off, value):
    return patch(data, off, u64(value))


def xor_byte(data, off, mask=0x01):
    return patch(data, off, bytes([data[off] ^ mask]))


# ---------------------------------------------------------------------------------------------
# JSON strings in the strict grammar of 4.1 (our own encoder, for index texts we build by hand)

_SHORT = {0x08: "\\b", 0x0C: "\\f", 0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t", 0x22: '\\"',
          0x5C: "\\\\"}


def jstr(s):
    """s as a JSON string in the escaping of 4.1 `string` (returns str, quotes included)."""
    out = ['"']
    for ch in s:
        c = ord(ch)
        if c in _SHORT:
            out.append(_SHORT[c])
        elif c < 0x20:
            out.append("\\u%04x" % c)
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def entry_text(offset, length):
    return '{"offset":%d,"length":%d}' % (offset, length)


def index_text(entries):
    """Strict index text for [(key, offset, length)] in the given member order (bytes)."""
    body = ",".join(jstr(k) + ":" + entry_text(o, n) for k, o, n in entries)
    return ("{" + body + "}").encode("utf-8")


# ---------------------------------------------------------------------------------------------
# Event sections (3.3.1)

def pad_of(n):
    return (4 - n % 4) % 4


def section_fixed_size(n):
    """8 + 19N + pad: the bytes before the pool (3.3.1)."""
    return 8 + 19 * n + pad_of(n)


def event_section(events, *, count=None, pad=None, pay_off=None, pay_len=None,
                  pool_length=None, pool=None, trailer=b""):
    """An event section for events [(ts, kind, source, flags, payload_bytes)].

    Every keyword overrides one field and nothing else is recomputed: count (the u32 at 0),
    pad (the pad bytes), pay_off/pay_len (lists), pool_length, pool (the pool bytes), trailer
    (bytes appended after the pool).  The column layout always follows the real N.
    """
    n = len(events)
    payloads = [e[4] for e in events]
    offs, pos = [], 0
    for p in payloads:
        offs.append(pos)
        pos += len(p)
    lens = [len(p) for p in payloads]
    out = bytearray()
    out += u32(n if count is None else count)
    for e in events:
        out += u64(e[0])
    out += bytes(e[1] for e in events)
    out += bytes(e[2] for e in events)
    out += bytes(e[3] for e in events)
    out += bytes(pad_of(n)) if pad is None else bytes(pad)
    for o in (offs if pay_off is None else pay_off):
        out += u32(o)
    for ln in (lens if pay_len is None else pay_len):
        out += u32(ln)
    poolb = b"".join(payloads) if pool is None else bytes(pool)
    out += u32(len(poolb) if pool_length is None else pool_length)
    out += poolb
    out += trailer
    return bytes(out)


def ev(ts, payload, kind=1, source=2, flags=0):
    """An event tuple; payload may be str (UTF-8 encoded) or bytes."""
    if isinstance(payload, str):
        payload = payload.encode("utf-8")
    return (ts, kind, source, flags, payload)


# ---------------------------------------------------------------------------------------------
# Whole files

def header_v2(*, kv_index_offset, kv_index_length, kv_chunk_end, evt_offset, evt_length,
              evt_count, evt_base_id=0, version=2, flags=0, magic=MAGIC, reserved=None):
    h = bytearray()
    h += magic
    h += u32(version) + u32(flags)
    h += u64(kv_index_offset) + u64(kv_index_length) + u64(kv_chunk_end)
    h += u64(evt_offset) + u64(evt_length)
    h += u32(evt_count) + u32(evt_base_id)
    h += bytes(64) if reserved is None else bytes(reserved)
    assert len(h) == HDR2
    return bytes(h)


def header_v1(*, index_offset, index_length, version=1, flags=0, magic=MAGIC, reserved=None):
    h = magic + u32(version) + u32(flags) + u64(index_offset) + u64(index_length)
    h += bytes(32) if reserved is None else bytes(reserved)
    assert len(h) == HDR1
    return h


class V2:
    """Builds a v2 file piece by piece, in file order, after a 128-byte header.

    chunk() appends a chunk and returns its offset; raw() appends dead bytes; section()
    appends an event section; index() appends the index; tail() appends bytes after it.
    build() writes the header: by default kv_chunk_end = evt_offset = the section start,
    evt_count = the section's real N; any header field can be overridden.
    """

    def __init__(self, start=HDR2):
        self.body = bytearray()
        self.start = start
        self.evt_offset = None
        self.evt_length = None
        self.n_events = 0
        self.idx_offset = None
        self.idx_length = None
        self.entries = []   # (key, offset, length) of chunks added with a key

    def pos(self):
        return self.start + len(self.body)

    def raw(self, data):
        off = self.pos()
        self.body += data
        return off

    def chunk(self, value, key=None, prefix=None):
        off = self.pos()
        self.body += u32(len(value) if prefix is None else prefix) + value
        if key is not None:
            self.entries.append((key, off, len(value)))
        return off

    def section(self, events, **kw):
        self.evt_offset = self.pos()
        sec = event_section(events, **kw)
        self.body += sec
        self.evt_length = len(sec)
        self.n_events = len(events)
        return self.evt_offset

    def index(self, text=None):
        """Append the index: `text` (bytes or str) or the strict text of the chunk entries."""
        if text is None:
            text = index_text(self.entries)
        if isinstance(text, str):
            text = text.encode("utf-8")
        self.idx_offset = self.pos()
        self.idx_length = len(text)
        self.body += text
        return self.idx_offset

    def tail(self, data):
        return self.raw(data)

    def build(self, **over):
        f = dict(kv_index_offset=self.idx_offset, kv_index_length=self.idx_length,
                 kv_chunk_end=self.evt_offset, evt_offset=self.evt_offset,
                 evt_length=self.evt_length, evt_count=self.n_events, evt_base_id=0)
        f.update(over)
        hdr = header_v2(**f)
        return hdr + bytes(self.body)


class V1:
    """Builds a v1 file: 64-byte header, chunks from 64, index, tail (6, W-V1-1)."""

    def __init__(self):
        self.body = bytearray()
        self.idx_offset = None
        self.idx_length = None
        self.entries = []

    def pos(self):
        return HDR1 + len(self.body)

    def raw(self, data):
        off = self.pos()
        self.body += data
        return off

    def chunk(self, value, key=None, prefix=None):
        off = self.pos()
        self.body += u32(len(value) if prefix is None else prefix) + value
        if key is not None:
            self.entries.append((key, off, len(value)))
        return off

    def index(self, text=None):
        if text is None:
            text = index_text(self.entries)
        if isinstance(text, str):
            text = text.encode("utf-8")
        self.idx_offset = self.pos()
        self.idx_length = len(text)
        self.body += text
        return self.idx_offset

    def tail(self, data):
        return self.raw(data)

    def build(self, **over):
        f = dict(index_offset=self.idx_offset, index_length=self.idx_length)
        f.update(over)
        return header_v1(**f) + bytes(self.body)


# ---------------------------------------------------------------------------------------------
# Canonical order and canonical files (W-CAN-1..4), our own version for cross-checks

def integer_like(k):
    if not k or len(k) > 10 or not all("0" <= c <= "9" for c in k):
        return None
    if len(k) > 1 and k[0] == "0":
        return None
    v = int(k)
    return v if v <= 4294967294 else None


def canon_order(keys):
    ints = sorted((integer_like(k), k) for k in keys if integer_like(k) is not None)
    rest = sorted((k for k in keys if integer_like(k) is None), key=lambda k: k.encode("utf-8"))
    return [k for _, k in ints] + rest


def canonical_v2(kv, events=(), base=0):
    """The canonical file of 8.3 for kv {key: bytes}, events [ev tuples], evt_base_id."""
    b = V2()
    for k in canon_order(list(kv)):
        b.chunk(kv[k], key=k)
    b.section(list(events))
    b.index()
    return b.build(evt_base_id=base)


def canonical_v1(kv, flags=0):
    b = V1()
    for k in canon_order(list(kv)):
        b.chunk(kv[k], key=k)
    b.index()
    return b.build(flags=flags)


def parse_v2_header(data):
    return dict(version=get_u32(data, 8), flags=get_u32(data, 12),
                kv_index_offset=get_u64(data, 16), kv_index_length=get_u64(data, 24),
                kv_chunk_end=get_u64(data, 32), evt_offset=get_u64(data, 40),
                evt_length=get_u64(data, 48), evt_count=get_u32(data, 56),
                evt_base_id=get_u32(data, 60))


# ---------------------------------------------------------------------------------------------
# Flag bit 0, `checksums` (spec 3.8): our own CRC32C, sharing nothing with pyacepack.

def _crc_table():
    t = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        t.append(c)
    return t


_CRC_T = _crc_table()


def crc32c(b, crc=0):
    c = crc ^ 0xFFFFFFFF
    for x in b:
        c = _CRC_T[(c ^ x) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


assert crc32c(b"123456789") == 0xE3069283


def header_crc_of(data):
    return crc32c(bytes(data[:64]) + bytes(4) + bytes(data[68:128]))


def reseal_header(data):
    """data with header_crc recomputed over its (possibly patched) header."""
    return patch_u32(data, 64, header_crc_of(data))


def sign(data, flags=None, regions=True):
    """data (a v2 file whose header locates its regions) with flag bit 0 set (or the flags
    word given) and the four CRC fields of 3.8 computed over it; regions=False leaves the
    three region fields as they are."""
    d = bytearray(data)
    f = get_u32(d, 12) | 1 if flags is None else flags
    d[12:16] = u32(f)
    if regions:
        ce, eo, el = get_u64(d, 32), get_u64(d, 40), get_u64(d, 48)
        io, il = get_u64(d, 16), get_u64(d, 24)
        d[68:72] = u32(crc32c(d[128:ce]))
        d[72:76] = u32(crc32c(d[eo:eo + el]))
        d[76:80] = u32(crc32c(d[io:io + il]))
    return reseal_header(bytes(d))
