"""Flag bit 0, `checksums` (spec 3.8): the CRC32C fields of a v2 header.

Reader: R-CRC-1 and R-CRC-5 on the header, R-CRC-2..4 on the regions, strict
only (compat ignores them as it ignores reserved bytes).  Writer: fill_header()
writes the four fields of a header whose regions are in place (W-CRC-2).
"""

from .bytesutil import u32_at, first_nonzero
from .crc32c import crc32c
from .errors import Reject

FLAG_CHECKSUMS = 0x00000001


def header_crc(header: bytes) -> int:
    """CRC32C of bytes 0..127 with bytes 64..67 taken as zero."""
    return crc32c(bytes(header[0:64]) + b"\x00\x00\x00\x00" + bytes(header[68:128]))


def check_header(buf: bytes, flags: int) -> None:
    if u32_at(buf, 64) != header_crc(buf[:128]):
        raise Reject("R-CRC-1", 64, "header_crc does not match the header")
    if flags & 0xFFFE == 0:   # another compatible bit may use bytes 80..127
        bad = first_nonzero(buf, 80, 128)
        if bad >= 0:
            raise Reject("R-CRC-5", bad, "reserved header bytes 80..127 are not zero")


def check_regions(buf: bytes, chunk_end: int, evt_off: int, evt_len: int,
                  idx_off: int, idx_len: int) -> None:
    """R-CRC-2..4; the regions lie inside the file (R-LAY-1..5 held)."""
    mv = memoryview(buf)
    if u32_at(buf, 68) != crc32c(mv[128:chunk_end]):
        raise Reject("R-CRC-2", 128, "chunks_crc does not match the chunk region")
    if u32_at(buf, 72) != crc32c(mv[evt_off:evt_off + evt_len]):
        raise Reject("R-CRC-3", evt_off, "events_crc does not match the event section")
    if u32_at(buf, 76) != crc32c(mv[idx_off:idx_off + idx_len]):
        raise Reject("R-CRC-4", idx_off, "index_crc does not match the index")


def fill_header(buf: bytearray) -> None:
    """Sets bit 0 and writes the four CRC fields of a complete v2 file (W-CRC-2).
    The layout fields of the header locate the regions."""
    buf[12:16] = (int.from_bytes(buf[12:16], "big") | FLAG_CHECKSUMS).to_bytes(4, "big")
    chunk_end = int.from_bytes(buf[32:40], "big")
    evt_off = int.from_bytes(buf[40:48], "big")
    evt_len = int.from_bytes(buf[48:56], "big")
    idx_off = int.from_bytes(buf[16:24], "big")
    idx_len = int.from_bytes(buf[24:32], "big")
    mv = memoryview(buf)
    buf[68:72] = crc32c(mv[128:chunk_end]).to_bytes(4, "big")
    buf[72:76] = crc32c(mv[evt_off:evt_off + evt_len]).to_bytes(4, "big")
    buf[76:80] = crc32c(mv[idx_off:idx_off + idx_len]).to_bytes(4, "big")
    del mv
    buf[64:68] = header_crc(bytes(buf[:128])).to_bytes(4, "big")
