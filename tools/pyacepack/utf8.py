"""UTF-8 validity in the sense of spec 1.2 (RFC 3629).

Python's "utf-8" codec is strict in exactly the way the spec requires: it rejects overlong
forms, encoded surrogates (ED A0..BF xx), code points above U+10FFFF (F4 90.., F5..FF) and
truncated sequences, and it reports the first byte of the offending sequence.
"""


def first_invalid(buf: bytes, start: int = 0, end: int = -1) -> int:
    """Offset (in buf) of the first byte of the first invalid sequence in buf[start:end], or -1."""
    if end < 0:
        end = len(buf)
    try:
        bytes(buf[start:end]).decode("utf-8", "strict")
    except UnicodeDecodeError as e:
        return start + e.start
    return -1


def is_valid(b: bytes) -> bool:
    try:
        b.decode("utf-8", "strict")
    except UnicodeDecodeError:
        return False
    return True
