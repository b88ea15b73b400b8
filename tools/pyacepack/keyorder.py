"""Key order of the canonical form (W-CAN-1) and of the dump (D-6)."""

INTEGER_LIKE_MAX = 4294967294  # 2^32-2: the largest ECMAScript array index


def integer_like(key: str):
    """The numeric value of an integer-like key (W-CAN-1 item 1), else None.

    "0" or [1-9][0-9]* with value <= 4294967294; "01", "-1", "4294967295", "1.5" are not.
    """
    n = len(key)
    if n == 0 or n > 10:
        return None
    if not all("0" <= ch <= "9" for ch in key):
        return None
    if n > 1 and key[0] == "0":
        return None
    v = int(key)
    return v if v <= INTEGER_LIKE_MAX else None


def utf8_order(keys):
    """D-6: ascending UTF-8 bytes, unsigned bytewise, a proper prefix first."""
    return sorted(keys, key=lambda k: k.encode("utf-8"))


def canonical_key_order(keys) -> list:
    """W-CAN-1: integer-like keys in numeric order, then the rest by UTF-8 bytes."""
    ints = []
    others = []
    for k in keys:
        v = integer_like(k)
        if v is None:
            others.append(k)
        else:
            ints.append((v, k))
    ints.sort()
    return [k for _, k in ints] + utf8_order(others)
