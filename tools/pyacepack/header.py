"""Header rules common to v1 and v2 (spec 3.2, 6): R-HDR-1..4."""

from .bytesutil import INCOMPATIBLE_FLAGS, MAGIC, SEGMENTED, V1_HEADER_SIZE, u32_at
from .errors import Reject


def check_common_header(buf: bytes) -> tuple:
    """(version, flags) after R-HDR-1..4."""
    size = len(buf)
    if size < V1_HEADER_SIZE:
        raise Reject("R-HDR-1", size, f"file of {size} bytes is shorter than 64 bytes")
    if buf[0:8] != MAGIC:
        raise Reject("R-HDR-2", 0, "bad magic")
    version = u32_at(buf, 8)
    if version not in (1, 2):
        raise Reject("R-HDR-3", 8, f"unsupported version {version}")
    flags = u32_at(buf, 12)
    # bit 16 is implemented (segments.py), for version 2 files only (spec 3.7)
    if flags & INCOMPATIBLE_FLAGS & ~(SEGMENTED if version == 2 else 0):
        raise Reject("R-HDR-4", 12, f"incompatible feature flags 0x{flags:08x}")
    return version, flags


def reserved_must_be_zero(flags: int) -> bool:
    """R-HDR-6 / R-V1-1: reserved bytes are checked only when no compatible bit is set."""
    return flags & 0xFFFF == 0   # only a compatible bit gives them a meaning (R-HDR-6)
