"""Big-endian integer helpers and the numeric limits of spec 1.2 and 3.6."""

import struct

MAX_SAFE = (1 << 53) - 1   # 2^53-1: the largest offset, length or ts (1.2, 3.6, R-EVT-8)
U32_MAX = (1 << 32) - 1
U8_MAX = 255

MAGIC = b"ACEPACK\x00"      # R-HDR-2
V2_HEADER_SIZE = 128        # R-HDR-5
V1_HEADER_SIZE = 64         # R-HDR-1 / section 6
INCOMPATIBLE_FLAGS = 0xFFFF0000  # R-HDR-4
SEGMENTED = 0x00010000           # incompatible bit 16: segmented event log (spec 3.7)
COMPATIBLE_FLAGS = 0x0000FFFF

_U32 = struct.Struct(">I")
_U64 = struct.Struct(">Q")


def u32_at(buf: bytes, off: int) -> int:
    """u32 at off; the caller has checked that off + 4 <= len(buf)."""
    return _U32.unpack_from(buf, off)[0]


def u64_at(buf: bytes, off: int) -> int:
    """u64 at off; the caller has checked that off + 8 <= len(buf)."""
    return _U64.unpack_from(buf, off)[0]


def pack_u32(v: int) -> bytes:
    if not 0 <= v <= U32_MAX:
        raise ValueError(f"value {v} does not fit a u32")
    return _U32.pack(v)


def pack_u64(v: int) -> bytes:
    if not 0 <= v < (1 << 64):
        raise ValueError(f"value {v} does not fit a u64")
    return _U64.pack(v)


def first_nonzero(buf: bytes, start: int, end: int) -> int:
    """Offset of the first non-zero byte of buf[start:end], or -1 (spec 7.2 reports reserved
    and pad bytes there)."""
    for i in range(start, end):
        if buf[i]:
            return i
    return -1


def evt_pad(n: int) -> int:
    """The pad of spec 3.3.1: (4 - N mod 4) mod 4 (3.3.2: aligns only for even N)."""
    return (4 - n % 4) % 4


def evt_columns_end(n: int) -> int:
    """P = 8 + 19N + pad: the pool start, relative to the section start (3.3.1)."""
    return 8 + 19 * n + evt_pad(n)
