"""Exceptions of pyacepack: a file is invalid (Reject) or beyond a limit (Unsupported).

Spec 7.2 separates *invalid* (a rule is broken) from *unsupported* (an implementation limit,
3.6).  Every Reject carries the rule id and the byte offset from the start of the file.
"""


class Reject(Exception):
    """The input breaks a rule of spec/ACEPACK.md.

    rule    -- the rule identifier, e.g. "R-HDR-2"
    offset  -- byte offset from the start of the file (spec 7.2)
    message -- a short human-readable explanation
    """

    def __init__(self, rule: str, offset: int, message: str):
        super().__init__(f"{offset}: {rule}: {message}")
        self.rule = rule
        self.offset = offset
        self.message = message


class Unsupported(Exception):
    """The input is beyond a documented limit of this implementation (spec 3.6, M-8)."""

    def __init__(self, message: str, rule: str = "", offset: int = 0):
        super().__init__(message)
        self.rule = rule
        self.offset = offset
        self.message = message


class Refused(Reject, ValueError):
    """A writer's input that no writer may write: a dump that is the dump of no content (the D
    rules, W-CAN-4) or content a writer must refuse (W-*).  A Reject, since the protocol's
    write rejection names the rule like a read's; a ValueError, the builders' error type."""
