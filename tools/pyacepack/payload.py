"""Event payload validity (spec 5): R-PAY-1 (UTF-8), R-PAY-2 (JSON object), R-PAY-3 (depth)."""

from .errors import Reject
from .jsonscan import JsonError, scan
from .utf8 import first_invalid


def payload_problem(buf: bytes, start: int, end: int):
    """None when buf[start:end] satisfies R-PAY-1..3, else (rule, offset, message)."""
    bad = first_invalid(buf, start, end)
    if bad >= 0:
        return "R-PAY-1", bad, "payload is not valid UTF-8"
    try:
        # No BOM: a payload is a JSON text, and RFC 8259 JSON texts do not start with one.
        scan(buf, start, end)
    except JsonError as e:
        if e.kind == "depth":
            return "R-PAY-3", e.pos, "payload " + e.message
        return "R-PAY-2", e.pos, "payload is not a JSON object text: " + e.message
    return None


def check_payload(buf: bytes, start: int, end: int) -> None:
    """Reject under R-PAY-1..3 at the payload's first byte (spec 7.2); the message names the
    byte where the problem lies."""
    p = payload_problem(buf, start, end)
    if p is not None:
        rule, at, message = p
        raise Reject(rule, start, f"{message} (at byte {at})")
