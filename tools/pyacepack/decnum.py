"""Exact values of JSON number lexemes, without floating point (R-IDX-10, M-4).

A lexeme (already checked against the RFC 8259 number grammar) is normalised to
(negative, sig, exp) with value (-1)^negative * int(sig) * 10^exp, where sig has no leading or
trailing zeros ("" for zero).  Exponents are clamped to +-10^20: no JSON text this program can
hold has that many digits, so the clamp never changes whether a value is an integer, nor how it
compares with a bound.  int() is only called on short digit strings (Python limits int(str) to
4300 digits).
"""

import re

_NUMBER = re.compile(rb"(-?)([0-9]+)(?:\.([0-9]+))?(?:[eE]([+-]?)([0-9]+))?\Z")
_EXP_CLAMP = 10 ** 20


def normalise(lexeme: bytes):
    """(negative, sig, exp) of a JSON number lexeme; raises ValueError if it is not one."""
    m = _NUMBER.match(lexeme)
    if m is None:
        raise ValueError("not a JSON number")
    neg = m.group(1) == b"-"
    int_part = m.group(2).decode("ascii")
    frac = (m.group(3) or b"").decode("ascii")
    exp = 0
    if m.group(5) is not None:
        e_digits = m.group(5).decode("ascii").lstrip("0")
        if len(e_digits) > 20:
            exp = _EXP_CLAMP
        else:
            exp = min(int(e_digits or "0"), _EXP_CLAMP)
        if m.group(4) == b"-":
            exp = -exp
    digits = (int_part + frac).lstrip("0")
    exp -= len(frac)
    stripped = digits.rstrip("0")
    exp += len(digits) - len(stripped)
    if stripped == "":
        return neg, "", 0
    return neg, stripped, exp


def integer_in_range(lexeme: bytes, lo: int, hi: int):
    """The exact value of lexeme when it is an integer in [lo, hi] (0 <= lo), else None.

    "-0", "0.0e5", "1.28e2", "12800e-2" are integers; "1.5", "-1", "1e400" are not in range.
    """
    neg, sig, exp = normalise(lexeme)
    if sig == "":
        return 0 if lo <= 0 <= hi else None
    if neg or exp < 0:
        return None
    if len(sig) + exp > len(str(hi)):
        return None
    v = int(sig) * 10 ** exp
    return v if lo <= v <= hi else None


def equals_decimal(lexeme: bytes, decimal: str) -> bool:
    """True when the exact value of lexeme equals the non-negative integer written `decimal`
    (ASCII digits, no leading zeros unless it is "0").  Works for any length without int()."""
    neg, sig, exp = normalise(lexeme)
    if decimal == "0":
        return sig == ""
    if sig == "" or neg or exp < 0:
        return False
    if len(sig) + exp != len(decimal):
        return False
    return decimal.startswith(sig) and decimal[len(sig):].strip("0") == ""
