"""An RFC 8259 JSON scanner for the KV index (R-IDX-2) and event payloads (R-PAY-2, R-PAY-3).

Why not the json module: it accepts NaN/Infinity, recurses on nesting, and gives no byte
offsets.  This scanner:
  - works on bytes that the caller has already checked to be valid UTF-8 (R-IDX-1, R-PAY-1);
  - uses an explicit stack bounded by max_depth (spec 13: no recursion driven by the input);
  - reports the offset of the first byte that cannot continue a JSON text (R-IDX-2);
  - accepts every syntactically valid escape, including unpaired surrogate escapes (R-PAY-2),
    and tells the caller which strings hold one (R-IDX-11 rejects them in member names);
  - optionally builds a small tree with byte positions, for the index rules of section 4.

Tree nodes (positions are offsets into buf):
  Obj(pos, members)      members: list of (Str, node), in text order
  Arr(pos, items)
  Str(pos, end, text, lone)   text: decoded str (may hold lone surrogates); lone: has one
  Num(pos, end)          the lexeme is buf[pos:end]
  Lit(pos, end)          true / false / null
"""

import re

MAX_DEPTH = 512  # R-IDX-2, R-PAY-3 (spec 3.6, 13)

_WS = re.compile(rb"[ \t\n\r]*")
_PLAIN = re.compile(rb'[^"\\\x00-\x1f]*')
_DIGITS = re.compile(rb"[0-9]*")
_HEX4 = re.compile(rb"[0-9a-fA-F]{4}")
_BOM = b"\xef\xbb\xbf"

_SHORT_ESCAPES = {
    0x22: '"', 0x5C: "\\", 0x2F: "/", 0x62: "\b", 0x66: "\f", 0x6E: "\n", 0x72: "\r", 0x74: "\t",
}


class JsonError(Exception):
    """kind is "syntax" (not a JSON text / not an object) or "depth" (nesting beyond the limit)."""

    def __init__(self, kind: str, pos: int, message: str):
        super().__init__(message)
        self.kind = kind
        self.pos = pos
        self.message = message


class Obj:
    __slots__ = ("pos", "members")

    def __init__(self, pos):
        self.pos = pos
        self.members = []


class Arr:
    __slots__ = ("pos", "items")

    def __init__(self, pos):
        self.pos = pos
        self.items = []


class Str:
    __slots__ = ("pos", "end", "text", "lone")

    def __init__(self, pos, end, text, lone):
        self.pos = pos
        self.end = end
        self.text = text
        self.lone = lone


class Num:
    __slots__ = ("pos", "end")

    def __init__(self, pos, end):
        self.pos = pos
        self.end = end


class Lit:
    __slots__ = ("pos", "end")

    def __init__(self, pos, end):
        self.pos = pos
        self.end = end


class ScanResult:
    __slots__ = ("root", "bom", "first_ws")

    def __init__(self, root, bom, first_ws):
        self.root = root          # the tree (None unless tree=True)
        self.bom = bom            # a leading BOM was skipped (allow_bom only)
        self.first_ws = first_ws  # offset of the first whitespace byte between tokens, or -1


def _scan_string(buf, pos, end, decode):
    """Scan the string whose opening quote is at pos. Returns (end_pos, text, lone)."""
    i = pos + 1
    parts = [] if decode else None
    units = []       # pending UTF-16 code units from \u escapes, to pair surrogates
    lone = False
    while True:
        m = _PLAIN.match(buf, i, end)
        j = m.end()
        if j > i and decode:
            if units:
                lone |= _flush_units(units, parts)
            parts.append(buf[i:j].decode("utf-8"))
        i = j
        if i >= end:
            raise JsonError("syntax", end, "unterminated string")
        c = buf[i]
        if c == 0x22:
            if units:
                if decode:
                    lone |= _flush_units(units, parts)
                else:
                    lone |= _lone_in(units)
            text = "".join(parts) if decode else None
            return i + 1, text, lone
        if c != 0x5C:
            raise JsonError("syntax", i, "control character in string")
        if i + 1 >= end:
            raise JsonError("syntax", end, "unterminated escape")
        e = buf[i + 1]
        if e == 0x75:  # \uXXXX
            h = _HEX4.match(buf, i + 2, end)
            if h is None:
                k = i + 2
                while k < end and k < i + 6 and buf[k] in b"0123456789abcdefABCDEF":
                    k += 1
                raise JsonError("syntax", k, "bad \\u escape")
            units.append(int(buf[i + 2:i + 6], 16))
            i += 6
            continue
        s = _SHORT_ESCAPES.get(e)
        if s is None:
            raise JsonError("syntax", i + 1, "bad escape")
        if units:
            if decode:
                lone |= _flush_units(units, parts)
            else:
                lone |= _lone_in(units)
                units.clear()
        if decode:
            parts.append(s)
        i += 2


def decode_string(buf: bytes, pos: int, end: int):
    """Decode the JSON string literal that starts at pos and must end exactly at end.
    Returns (text, lone); raises JsonError."""
    if pos >= end or buf[pos] != 0x22:
        raise JsonError("syntax", pos, "string expected")
    s_end, text, lone = _scan_string(buf, pos, end, True)
    if s_end != end:
        raise JsonError("syntax", s_end, "data after the string")
    return text, lone


def _lone_in(units):
    """True when the UTF-16 unit sequence holds a surrogate that is not part of a pair."""
    lone = False
    k = 0
    n = len(units)
    while k < n:
        u = units[k]
        if 0xD800 <= u <= 0xDBFF and k + 1 < n and 0xDC00 <= units[k + 1] <= 0xDFFF:
            k += 2
            continue
        if 0xD800 <= u <= 0xDFFF:
            lone = True
        k += 1
    return lone


def _flush_units(units, parts):
    """Decode pending \\u units into parts (pairs -> one code point). Returns True on a lone one."""
    lone = False
    k = 0
    n = len(units)
    out = []
    while k < n:
        u = units[k]
        if 0xD800 <= u <= 0xDBFF and k + 1 < n and 0xDC00 <= units[k + 1] <= 0xDFFF:
            out.append(chr(0x10000 + ((u - 0xD800) << 10) + (units[k + 1] - 0xDC00)))
            k += 2
            continue
        if 0xD800 <= u <= 0xDFFF:
            lone = True
        out.append(chr(u))
        k += 1
    parts.append("".join(out))
    units.clear()
    return lone


def _scan_number(buf, pos, end):
    """Scan a number at pos (RFC 8259 6). Returns its end; errors name the first bad byte."""
    i = pos
    if buf[i] == 0x2D:
        i += 1
    if i >= end:
        raise JsonError("syntax", end, "truncated number")
    c = buf[i]
    if c == 0x30:
        i += 1
    elif 0x31 <= c <= 0x39:
        i = _DIGITS.match(buf, i + 1, end).end()
    else:
        raise JsonError("syntax", i, "bad number")
    if i < end and buf[i] == 0x2E:
        j = _DIGITS.match(buf, i + 1, end).end()
        if j == i + 1:
            raise JsonError("syntax", j, "digit expected after '.'")
        i = j
    if i < end and buf[i] in (0x65, 0x45):
        i += 1
        if i < end and buf[i] in (0x2B, 0x2D):
            i += 1
        j = _DIGITS.match(buf, i, end).end()
        if j == i:
            raise JsonError("syntax", i, "digit expected in exponent")
        i = j
    return i


def _scan_literal(buf, pos, end, lit):
    for k in range(len(lit)):
        if pos + k >= end or buf[pos + k] != lit[k]:
            raise JsonError("syntax", min(pos + k, end), "bad literal")
    return pos + len(lit)


_VALUE, _KEY, _AFTER = 0, 1, 2


def scan(buf: bytes, start: int, end: int, *, tree: bool = False, allow_bom: bool = False,
         max_depth: int = MAX_DEPTH, root_object: bool = True) -> ScanResult:
    """Check that buf[start:end] is one JSON text whose value is an object (any value when
    root_object is False, as JSON.parse allows).

    Raises JsonError.  With tree=True the result holds the parsed tree.
    """
    pos = start
    bom = False
    if allow_bom and buf[start:start + 3] == _BOM and end - start >= 3:
        pos += 3
        bom = True
    first_ws = -1
    kinds = []      # container kinds on the stack: True for object, False for array
    nodes = []      # the container nodes (tree mode)
    keys = []       # the pending member name of each object on the stack (tree mode)
    root = None
    state = _VALUE
    ws_match = _WS.match
    while True:
        j = ws_match(buf, pos, end).end()
        if j != pos:
            if first_ws < 0:
                first_ws = pos
            pos = j
        if state == _AFTER:
            if not kinds:
                if pos != end:
                    raise JsonError("syntax", pos, "data after the JSON text")
                return ScanResult(root, bom, first_ws)
            if pos >= end:
                raise JsonError("syntax", end, "unterminated container")
            c = buf[pos]
            is_obj = kinds[-1]
            if c == 0x2C:
                pos += 1
                state = _KEY if is_obj else _VALUE
            elif (c == 0x7D and is_obj) or (c == 0x5D and not is_obj):
                pos += 1
                kinds.pop()
                if tree:
                    nodes.pop()
                    if is_obj:
                        keys.pop()
            else:
                raise JsonError("syntax", pos, "',' or end of container expected")
            continue
        if state == _KEY:
            if pos >= end:
                raise JsonError("syntax", end, "member name expected")
            if buf[pos] != 0x22:
                raise JsonError("syntax", pos, "member name expected")
            k_end, text, lone = _scan_string(buf, pos, end, tree)
            if tree:
                keys[-1] = Str(pos, k_end, text, lone)
            pos = ws_match(buf, k_end, end).end()
            if pos != k_end and first_ws < 0:
                first_ws = k_end
            if pos >= end or buf[pos] != 0x3A:
                raise JsonError("syntax", min(pos, end), "':' expected")
            pos += 1
            state = _VALUE
            continue
        # state == _VALUE
        if pos >= end:
            raise JsonError("syntax", end, "value expected")
        c = buf[pos]
        if root_object and not kinds and c != 0x7B:
            raise JsonError("syntax", pos, "a JSON object expected")
        node = None
        if c == 0x7B or c == 0x5B:
            if len(kinds) >= max_depth:
                raise JsonError("depth", pos, f"nesting deeper than {max_depth} levels")
            is_obj = c == 0x7B
            if tree:
                node = Obj(pos) if is_obj else Arr(pos)
                if kinds:
                    _attach(root, kinds, nodes, keys, node)
                else:
                    root = node
            pos += 1
            j = ws_match(buf, pos, end).end()
            if j != pos:
                if first_ws < 0:
                    first_ws = pos
                pos = j
            if pos < end and buf[pos] == (0x7D if is_obj else 0x5D):
                pos += 1
                state = _AFTER
                continue
            kinds.append(is_obj)
            if tree:
                nodes.append(node)
                if is_obj:
                    keys.append(None)
            state = _KEY if is_obj else _VALUE
            continue
        if c == 0x22:
            s_end, text, lone = _scan_string(buf, pos, end, tree)
            if tree:
                node = Str(pos, s_end, text, lone)
            pos = s_end
        elif c == 0x2D or 0x30 <= c <= 0x39:
            n_end = _scan_number(buf, pos, end)
            if tree:
                node = Num(pos, n_end)
            pos = n_end
        elif c == 0x74:
            n_end = _scan_literal(buf, pos, end, b"true")
            node = Lit(pos, n_end) if tree else None
            pos = n_end
        elif c == 0x66:
            n_end = _scan_literal(buf, pos, end, b"false")
            node = Lit(pos, n_end) if tree else None
            pos = n_end
        elif c == 0x6E:
            n_end = _scan_literal(buf, pos, end, b"null")
            node = Lit(pos, n_end) if tree else None
            pos = n_end
        else:
            raise JsonError("syntax", pos, "value expected")
        if tree:
            if kinds:
                _attach(root, kinds, nodes, keys, node)
            else:
                root = node
        state = _AFTER


def _attach(root, kinds, nodes, keys, node):
    """Append node to the innermost open container (kinds is not empty)."""
    if kinds[-1]:
        nodes[-1].members.append((keys[-1], node))
    else:
        nodes[-1].items.append(node)
