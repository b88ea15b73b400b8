"""A model of the JavaScript values the JS stores handle, for the byte-exact emulator (js.py).

Only what the stores observably do is modelled:
  - TextDecoder (UTF-8, replacement of invalid sequences, one leading BOM stripped) and
    TextEncoder (lone surrogates become U+FFFD);
  - JSON.parse into JS values and JSON.stringify back (property order of ordinary objects:
    array-index keys ascending, then the other keys in creation order; duplicate names keep
    the first position and the last value; numbers are IEEE doubles);
  - Number::toString, ToNumber, ToUint32/ToUint8, the + operator, as the stores use them.

Value representation: JSObject (a dict in creation order), list (array), str (a JS string;
it may hold lone surrogates), float (number), bool, None (null), UNDEFINED.
"""

import math
import re

from .jsonscan import Arr, JsonError, Num, Obj, Str, scan
from .keyorder import integer_like


class JsError(Exception):
    """The JavaScript code throws here (SyntaxError, TypeError, RangeError, its own Error)."""


class NotDetermined(Exception):
    """What the JavaScript code does here is not determined by the file (it reads memory
    outside it), or is outside what this emulator models."""


class _Undefined:
    __slots__ = ()

    def __repr__(self):
        return "undefined"


UNDEFINED = _Undefined()


class JSObject(dict):
    """An ordinary object created by JSON.parse, an object literal or Object.fromEntries."""

    def js_keys(self):
        """OrdinaryOwnPropertyKeys: integer-index keys ascending, then creation order."""
        ints = []
        others = []
        for k in self:
            v = integer_like(k)
            if v is None:
                others.append(k)
            else:
                ints.append((v, k))
        ints.sort()
        return [k for _, k in ints] + others

    def js_items(self):
        return [(k, self[k]) for k in self.js_keys()]

    def get_prop(self, name):
        return self.get(name, UNDEFINED)


# --------------------------------------------------------------------------- text codecs

def text_decode(b: bytes) -> str:
    """new TextDecoder().decode(b): UTF-8 with U+FFFD replacement, leading BOM removed."""
    s = bytes(b).decode("utf-8", "replace")
    if s.startswith("\ufeff"):
        s = s[1:]
    return s


_SURROGATE = re.compile("[\ud800-\udfff]")


def text_encode(s: str) -> bytes:
    """new TextEncoder().encode(s): UTF-8, each lone surrogate as U+FFFD."""
    return _SURROGATE.sub("\ufffd", s).encode("utf-8")


# --------------------------------------------------------------------------- JSON.parse

def json_parse(text: str):
    """JSON.parse(text).  Raises JsError (SyntaxError)."""
    # Texts come from text_decode(), which never yields lone surrogates.
    if _SURROGATE.search(text):
        raise NotDetermined("JSON.parse of a string holding lone surrogates is not modelled")
    buf = text.encode("utf-8")
    try:
        res = scan(buf, 0, len(buf), tree=True, max_depth=1 << 30, root_object=False)
    except JsonError as e:
        raise JsError(f"SyntaxError: {e.message} at byte {e.pos}")
    return _to_js(buf, res.root)


def _to_js(buf, root):
    """Tree of jsonscan nodes -> JS values, iteratively (no recursion on input depth)."""
    def leaf(node):
        if isinstance(node, Str):
            return node.text
        if isinstance(node, Num):
            return float(buf[node.pos:node.end])
        lit = buf[node.pos:node.end]
        return True if lit == b"true" else False if lit == b"false" else None

    def make(node):
        if isinstance(node, Obj):
            return JSObject()
        if isinstance(node, Arr):
            return []
        return leaf(node)

    top = make(root)
    stack = [(root, top)]
    while stack:
        node, value = stack.pop()
        if isinstance(node, Obj):
            for name, child in node.members:
                v = make(child)
                value[name.text] = v      # duplicate: first position, last value
                if isinstance(child, (Obj, Arr)):
                    stack.append((child, v))
        elif isinstance(node, Arr):
            for child in node.items:
                v = make(child)
                value.append(v)
                if isinstance(child, (Obj, Arr)):
                    stack.append((child, v))
    return top


# --------------------------------------------------------------------------- JSON.stringify

_QUOTE = {i: "\\u%04x" % i for i in range(0x20)}
_QUOTE.update({0x08: "\\b", 0x0C: "\\f", 0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t",
               0x22: '\\"', 0x5C: "\\\\"})
_QUOTE.update({i: "\\u%04x" % i for i in range(0xD800, 0xE000)})


def quote(s: str) -> str:
    """QuoteJSONString (ES2019 well-formed JSON.stringify): lone surrogates as \\udxxx.
    Surrogate pairs cannot occur in a Python str (they are one code point)."""
    return '"' + s.translate(_QUOTE) + '"'


def number_to_string(x: float) -> str:
    """Number::toString(x) (ECMA-262 6.1.6.1.20) for a double, radix 10."""
    if x != x:
        return "NaN"
    if x == 0:
        return "0"
    if x < 0:
        return "-" + number_to_string(-x)
    if math.isinf(x):
        return "Infinity"
    # repr() gives the shortest digit string that round-trips, as the JS algorithm requires.
    r = repr(float(x))
    mant, _, exp = r.partition("e")
    e = int(exp) if exp else 0
    if "." in mant:
        ip, fp = mant.split(".")
    else:
        ip, fp = mant, ""
    digits = (ip + fp).lstrip("0")
    lead_zeros = len(ip + fp) - len((ip + fp).lstrip("0"))
    n = len(ip) + e - lead_zeros        # position of the decimal point relative to digits
    digits = digits.rstrip("0")
    k = len(digits)
    if k <= n <= 21:
        return digits + "0" * (n - k)
    if 0 < n <= 21:
        return digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return "0." + "0" * (-n) + digits
    sign = "+" if n - 1 >= 0 else "-"
    if k == 1:
        return digits + "e" + sign + str(abs(n - 1))
    return digits[0] + "." + digits[1:] + "e" + sign + str(abs(n - 1))


def stringify(value) -> str:
    """JSON.stringify(value); returns None for undefined (JSON.stringify returns undefined)."""
    return _stringify(value, 0)


def _stringify(value, depth):
    if depth > 5000:
        raise NotDetermined("JSON.stringify nesting too deep for the emulator")
    if value is UNDEFINED:
        return None
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (int, float)):
        x = float(value)
        return number_to_string(x) if math.isfinite(x) else "null"
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, list):
        parts = []
        for item in value:
            s = _stringify(item, depth + 1)
            parts.append("null" if s is None else s)
        return "[" + ",".join(parts) + "]"
    if isinstance(value, JSObject):
        parts = []
        for k, v in value.js_items():
            s = _stringify(v, depth + 1)
            if s is not None:
                parts.append(quote(k) + ":" + s)
        return "{" + ",".join(parts) + "}"
    raise TypeError(f"not a JS value: {value!r}")


# --------------------------------------------------------------------------- conversions

_WS_CHARS = "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008" \
            "\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_DECIMAL = re.compile(r"[+-]?(?:Infinity|(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)\Z")
_RADIX = re.compile(r"0(?:[xX][0-9a-fA-F]+|[oO][0-7]+|[bB][01]+)\Z")


def string_to_number(s: str) -> float:
    """StringToNumber (ECMA-262 7.1.4.1.1)."""
    t = s.strip(_WS_CHARS)
    if t == "":
        return 0.0
    if _RADIX.match(t):
        base = {"x": 16, "o": 8, "b": 2}[t[1].lower()]
        return float(int(t[2:], base))
    if _DECIMAL.match(t):
        if t.lstrip("+-") == "Infinity":
            return -math.inf if t.startswith("-") else math.inf
        return float(t)
    return math.nan


def to_primitive(value):
    """ToPrimitive with hint number, for JSON values (no callable properties exist)."""
    if isinstance(value, list):
        return array_join(value)
    if isinstance(value, JSObject):
        # valueOf (Object.prototype) returns the object; then toString: an own property
        # "toString" from JSON is never callable -> TypeError; else "[object Object]".
        if "toString" in value:
            raise JsError("TypeError: Cannot convert object to primitive value")
        return "[object Object]"
    return value


def array_join(arr, depth=0) -> str:
    if depth > 5000:
        raise NotDetermined("array nesting too deep for the emulator")
    parts = []
    for v in arr:
        if v is None or v is UNDEFINED:
            parts.append("")
        elif isinstance(v, list):
            parts.append(array_join(v, depth + 1))
        else:
            parts.append(to_string(v))
    return ",".join(parts)


def to_string(value) -> str:
    p = to_primitive(value)
    if p is UNDEFINED:
        return "undefined"
    if p is None:
        return "null"
    if p is True:
        return "true"
    if p is False:
        return "false"
    if isinstance(p, (int, float)):
        return number_to_string(float(p))
    return p


def to_number(value) -> float:
    p = to_primitive(value)
    if p is UNDEFINED:
        return math.nan
    if p is None:
        return 0.0
    if p is True:
        return 1.0
    if p is False:
        return 0.0
    if isinstance(p, (int, float)):
        return float(p)
    return string_to_number(p)


def to_uint(x, bits: int) -> int:
    """ToUint32 / ToUint8 (modular, NaN and infinities -> 0)."""
    x = to_number(x)
    if x != x or math.isinf(x):
        return 0
    return int(math.trunc(x)) % (1 << bits)


def add(a, b):
    """The + operator on two JS values."""
    pa = to_primitive(a)
    pb = to_primitive(b)
    if isinstance(pa, str) or isinstance(pb, str):
        return to_string(pa) + to_string(pb)
    return to_number(pa) + to_number(pb)


def pad_start(s: str, width: int, fill: str = "0") -> str:
    """String.prototype.padStart, counted in UTF-16 code units."""
    units = len(s.encode("utf-16-le", "surrogatepass")) // 2
    return fill * max(0, width - units) + s


def utf16_sort_key(s: str) -> bytes:
    """Array.prototype.sort() default order: UTF-16 code units."""
    return s.encode("utf-16-be", "surrogatepass")
