"""read(): validate a file under a profile (spec 7) and return its content (7.3)."""

from .header import check_common_header
from .model import Content
from .v1read import read_v1
from .v2read import read_v2

PROFILES = ("strict", "compat")


def read(data: bytes, profile: str = "strict") -> Content:
    """The content of data, or Reject(rule, offset, message) for the first broken rule."""
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}")
    buf = bytes(data)
    version, flags = check_common_header(buf)
    if version == 1:
        return read_v1(buf, flags, profile)
    return read_v2(buf, flags, profile)
