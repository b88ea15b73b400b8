"""The KV index (spec section 4): a JSON text mapping keys to chunk locations.

read_index() returns the entries of the index as IndexEntry tuples, after the rules of the
profile: strict (R-IDX-1..7, the exact grammar of 4.1) or compat (R-IDX-1, R-IDX-2, R-IDX-8..12,
the meaning JSON.parse gives the text).
"""

import re
from typing import NamedTuple

from .bytesutil import MAX_SAFE
from .decnum import integer_in_range
from .errors import Reject
from .jsonscan import Arr, JsonError, Num, Obj, scan
from .jsonstr import json_string
from .utf8 import first_invalid

_UINT = re.compile(rb"(?:0|[1-9][0-9]*)\Z")


class IndexEntry(NamedTuple):
    key: str
    offset: int   # position of the chunk's u32 length field
    length: int   # value length
    pos: int      # file offset of the entry's key token (reported by R-IDX-*/R-CHK-*)


def read_index(buf: bytes, off: int, length: int, profile: str) -> list:
    end = off + length
    bad = first_invalid(buf, off, end)
    if bad >= 0:
        raise Reject("R-IDX-1", bad, "index is not valid UTF-8")
    try:
        # A BOM is scanned past in both profiles; strict then rejects it under R-IDX-3.
        res = scan(buf, off, end, tree=True, allow_bom=True)
    except JsonError as e:
        raise Reject("R-IDX-2", e.pos, "index is not a JSON object text: " + e.message)
    if profile == "strict":
        return _strict_entries(buf, off, res)
    return _compat_entries(buf, res)


def _strict_uint(buf, node):
    """R-IDX-5: a `uint` lexeme of value at most 2^53-1."""
    lex = buf[node.pos:node.end]
    if _UINT.match(lex) is None:
        raise Reject("R-IDX-5", node.pos, "number is not written as uint")
    if len(lex) > 16 or int(lex) > MAX_SAFE:
        raise Reject("R-IDX-5", node.pos, "number exceeds 2^53-1")
    return int(lex)


def _strict_entries(buf, off, res):
    if res.bom:
        raise Reject("R-IDX-3", off, "byte order mark before the index")
    if res.first_ws >= 0:
        raise Reject("R-IDX-3", res.first_ws, "whitespace in the index")
    entries = []
    seen = set()
    for name, value in res.root.members:
        # R-IDX-6: the canonical escaping is unique, so the key is written as `string`
        # exactly when re-escaping its decoded text gives back the same bytes.
        raw = buf[name.pos:name.end]
        if name.lone or json_string(name.text).encode("utf-8") != raw:
            raise Reject("R-IDX-6", name.pos, "key is not written in the strict string form")
        if not (isinstance(value, Obj) and len(value.members) == 2
                and buf[value.members[0][0].pos:value.members[0][0].end] == b'"offset"'
                and buf[value.members[1][0].pos:value.members[1][0].end] == b'"length"'
                and isinstance(value.members[0][1], Num)
                and isinstance(value.members[1][1], Num)):
            # 7.2: reported at the member (its key), wherever inside the entry the fault is.
            raise Reject("R-IDX-4", name.pos, 'entry is not exactly {"offset":U,"length":U} '
                         f"(value at byte {value.pos})")
        offset = _strict_uint(buf, value.members[0][1])
        vlen = _strict_uint(buf, value.members[1][1])
        if name.text in seen:
            raise Reject("R-IDX-7", name.pos, "duplicate key " + json_string(name.text))
        seen.add(name.text)
        entries.append(IndexEntry(name.text, offset, vlen, name.pos))
    return entries


def _reject_lone_names(root):
    """R-IDX-11: no key or member name (at any depth) may hold an unpaired surrogate. The
    first such name in document order is reported (7.2): the walk visits a name, then its
    value, then the next member (the stack holds what is left, the next item on top)."""
    stack = [(False, root)]
    while stack:
        is_name, node = stack.pop()
        if is_name:
            if node.lone:
                raise Reject("R-IDX-11", node.pos, "name holds an unpaired surrogate escape")
        elif isinstance(node, Obj):
            for name, value in reversed(node.members):
                stack.append((False, value))
                stack.append((True, name))
        elif isinstance(node, Arr):
            stack.extend((False, item) for item in reversed(node.items))


def _compat_number(buf, node):
    """R-IDX-10: the exact decimal value must be an integer in [0, 2^53-1]."""
    v = integer_in_range(buf[node.pos:node.end], 0, MAX_SAFE)
    if v is None:
        raise Reject("R-IDX-10", node.pos, "number is not an integer in [0, 2^53-1]")
    return v


def _compat_entries(buf, res):
    _reject_lone_names(res.root)
    # R-IDX-12: every occurrence of a key must be a valid entry (R-IDX-9, R-IDX-10, and
    # R-CHK-1 in chunks.read_values); the last one wins there because entries stay in
    # file order and the KV map is filled in that order.
    entries = []
    for name, value in res.root.members:
        if not isinstance(value, Obj):
            raise Reject("R-IDX-9", name.pos, f"entry is not an object (value at byte {value.pos})")
        offset_node = length_node = None
        for mname, mvalue in value.members:   # R-IDX-9: last occurrence counts
            if mname.text == "offset":
                offset_node = mvalue
            elif mname.text == "length":
                length_node = mvalue
        if not isinstance(offset_node, Num) or not isinstance(length_node, Num):
            raise Reject("R-IDX-9", name.pos,
                         f"entry lacks numeric offset and length (value at byte {value.pos})")
        offset = _compat_number(buf, offset_node)
        vlen = _compat_number(buf, length_node)
        entries.append(IndexEntry(name.text, offset, vlen, name.pos))
    return entries
