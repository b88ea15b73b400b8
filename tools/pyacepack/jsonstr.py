"""The JSON string escaping of spec 4.1 `string` (W-IDX-1, D-5).

Short forms for \\b \\f \\n \\r \\t, `\\"` and `\\\\`; `\\u00` + two lowercase hex digits for the other
controls U+0000..U+001F; every other scalar value as itself.  This is JSON.stringify's output
for well-formed strings.
"""

_ESCAPES = {i: "\\u%04x" % i for i in range(0x20)}
_ESCAPES.update({0x08: "\\b", 0x0C: "\\f", 0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t",
                 0x22: '\\"', 0x5C: "\\\\"})


def has_lone_surrogate(s: str) -> bool:
    """Python str holds code points; a surrogate in it cannot be encoded as UTF-8."""
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def json_string(s: str) -> str:
    """s as a JSON string literal (with quotes) in the escaping of 4.1.

    Raises ValueError for a string holding a surrogate code point: it is not Unicode text
    and has no form in the strict grammar (W-IDX-2).
    """
    if has_lone_surrogate(s):
        raise ValueError("string holds a lone surrogate: not valid Unicode text")
    return '"' + s.translate(_ESCAPES) + '"'
