"""Lossless migration of a v1 file to the canonical v2 file (spec section 10, M-1..M-10)."""

import re

from .build import build_v2
from .bytesutil import MAX_SAFE, U32_MAX
from .decnum import equals_decimal, integer_in_range
from .errors import Reject, Unsupported
from .jsonscan import Num, Lit, scan
from .model import Content, Event
from .payload import payload_problem
from .reader import read

LOG_PREFIX = "core/log/"
SEQ_KEY = "meta/log_entry_seq"
GAP_PAYLOAD = b'{"acepack":"gap"}'   # M-6
GAP_FLAGS = 0x01                      # M-6: deleted
GAP_LIMIT_MIN = 1048576               # M-8: the documented limit of this implementation
GAP_LIMIT_FACTOR = 16

_DIGITS = re.compile(r"[0-9]+\Z")
_UINT = re.compile(rb"(?:0|[1-9][0-9]*)\Z")
_BIG = 4000   # digit strings longer than this are never converted with int() (Python's limit)


def log_key_id(key: str):
    """M-3: the id (as a decimal string without leading zeros) of a log key, else None."""
    if not key.startswith(LOG_PREFIX):
        return None
    d = key[len(LOG_PREFIX):]
    if _DIGITS.match(d) is None:
        return None
    dec = d.lstrip("0")
    if dec == "":
        return None                        # id 0: 1 <= id fails
    canonical = dec.zfill(12) if len(dec) <= 12 else dec
    return dec if d == canonical else None


def _top_members(value: bytes):
    """The top-level members of a payload-valid JSON object: list of (name, node)."""
    res = scan(value, 0, len(value), tree=True)
    return res.root.members


def _well_formed(value: bytes, key_id: str):
    """M-4: (ts, kind, source, flags) of a well-formed entry, else None."""
    if payload_problem(value, 0, len(value)) is not None:   # M-4 1 = R-PAY-1..3
        return None
    found = {}
    for name, node in _top_members(value):
        if name.text in ("id", "ts", "kind", "content_source", "flags"):
            if name.text in found:
                return None                  # M-4 2: exactly one (at most one flags)
            found[name.text] = node
    for required in ("id", "ts", "kind", "content_source"):
        if required not in found:
            return None

    def lexeme(node):
        return value[node.pos:node.end] if isinstance(node, Num) else None

    lex = lexeme(found["id"])
    if lex is None or not equals_decimal(lex, key_id):
        return None
    nums = {}
    for name, hi in (("ts", MAX_SAFE), ("kind", 255), ("content_source", 255)):
        lex = lexeme(found[name])
        v = None if lex is None else integer_in_range(lex, 0, hi)
        if v is None:
            return None
        nums[name] = v
    flags = 0
    if "flags" in found:
        node = found["flags"]
        if isinstance(node, Lit) and value[node.pos:node.end] == b"null":
            flags = 0
        else:
            lex = lexeme(node)
            flags = None if lex is None else integer_in_range(lex, 0, 255)
            if flags is None:
                return None
    return nums["ts"], nums["kind"], nums["content_source"], flags


def _seq_value(kv: dict):
    """meta/log_entry_seq when its value is exactly a `uint` of 4.1 (at most 2^53-1), else None."""
    v = kv.get(SEQ_KEY)
    if v is None or _UINT.match(v) is None or len(v) > 16:
        return None
    n = int(v)
    return n if n <= MAX_SAFE else None


def migrate(v1: bytes, profile: str = "strict"):
    """(canonical v2 bytes, report) for a v1 file.

    Raises Reject when the input does not validate (its rule, M-1) or when the result cannot
    be represented (M-8), and Unsupported when the gap events exceed this migrator's limit
    (M-8: 1,048,576 or 16 times the well-formed entries, whichever is larger)."""
    content = read(v1, profile)             # M-1: the input must validate
    if content.format_version != 1:
        raise Reject("M-1", 8, "input is not a v1 file")
    kv = dict(content.kv)
    entries = {}        # id (int) -> Event
    huge_entry = None   # a well-formed entry whose id is too long to convert
    malformed = []
    for key, value in kv.items():
        key_id = log_key_id(key)
        if key_id is None:
            continue
        fields = _well_formed(value, key_id)
        if fields is None:
            malformed.append(key)
            continue
        if len(key_id) > _BIG:
            huge_entry = key
            continue
        ts, kind, source, flags = fields
        entries[int(key_id)] = (key, Event(ts, kind, source, flags, value))
    # M-8: a result that cannot be represented is refused (Reject, every migrator must);
    # only the gap limit is a limit of this implementation (Unsupported).  The offset is the
    # file size: the refusal concerns the file as a whole (7.2).
    refuse_at = len(v1)
    if huge_entry is not None:
        raise Reject("M-8", refuse_at, f"log entry {huge_entry!r}: its id cannot be represented")
    seq = _seq_value(kv)
    if seq is not None and entries and seq < max(entries):
        seq = None                          # M-6: S must be >= every well-formed id
    events = []
    gaps = 0
    if entries:
        lo = min(entries)
        hi = max(entries)
        top = max(hi, seq) if seq is not None else hi
        base = lo - 1
        total = top - lo + 1
        gaps = total - len(entries)
        if base > U32_MAX:
            raise Reject("M-8", refuse_at, f"evt_base_id {base} does not fit a u32")
        if total > U32_MAX:
            raise Reject("M-8", refuse_at, f"{total} events exceed 2^32-1")
        limit = max(GAP_LIMIT_MIN, GAP_LIMIT_FACTOR * len(entries))
        if gaps > limit:
            raise Unsupported(f"{gaps} gap events exceed this migrator's limit of {limit} (M-8)",
                              "M-8", refuse_at)
        for i in range(lo, top + 1):
            hit = entries.get(i)
            if hit is None:
                events.append(Event(0, 0, 0, GAP_FLAGS, GAP_PAYLOAD))
            else:
                events.append(hit[1])
                del kv[hit[0]]              # M-7: well-formed log entries leave the KV map
    else:
        base = seq if seq is not None else 0
        if base > U32_MAX:
            raise Reject("M-8", refuse_at, f"evt_base_id {base} does not fit a u32")
    if seq is not None:
        del kv[SEQ_KEY]                     # M-7
    out = build_v2(Content(2, 0, base, kv, events))   # M-9: canonical, flags 0
    report = {                              # M-10
        "events_from_entries": len(entries),
        "gap_events": gaps,
        "malformed_entries": sorted(malformed, key=lambda k: k.encode("utf-8")),
        "log_entry_seq_consumed": seq is not None,
        "evt_base_id": base,
        "events": len(events),
    }
    return out, report
