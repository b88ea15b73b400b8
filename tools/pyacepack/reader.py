"""read(): validate a file under a profile (spec 7) and return its content (7.3)."""

import mmap

from .header import check_common_header
from .model import Content
from .v1read import read_v1
from .v2read import read_v2

PROFILES = ("strict", "compat")


def read(data: bytes, profile: str = "strict") -> Content:
    """The content of data, or Reject(rule, offset, message) for the first broken rule."""
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}")
    # A memory map (the adapter maps files) is read in place: copying it would cost the whole
    # file in memory, and files over 4 GiB are mostly dead space nobody reads.
    buf = data if isinstance(data, (bytes, mmap.mmap)) else bytes(data)
    version, flags = check_common_header(buf)
    if version == 1:
        return read_v1(buf, flags, profile)
    return read_v2(buf, flags, profile)
