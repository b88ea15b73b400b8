"""A second opinion on which rules a file breaks: every reader rule checked independently.

pyacepack (the reference for expected outputs) stops at the first broken rule, so agreeing
with it shows only that the *first* broken rule is one the case expects. To make sure a
mutated file breaks nothing else, the generator also runs `broken_rules(data, profile)`, which
evaluates each rule of spec section 7.1 on its own, as far as the file allows, and returns
the set of every broken rule. It is deliberately simple (Python's json module plus a few
scans) and shares no code with pyacepack.
"""

import json
import re
from decimal import Decimal, InvalidOperation

from .binfmt import MAGIC, MAX53, get_u32, get_u64, jstr, pad_of

WS = b" \t\n\r"


class _Bad(Exception):
    pass


def _const(name):
    raise _Bad(name)   # NaN, Infinity, -Infinity are not JSON


def _depth(b):
    """Maximum nesting of arrays/objects outside strings (computed on bytes, no recursion)."""
    depth = best = 0
    in_str = esc = False
    for c in b:
        if in_str:
            if esc:
                esc = False
            elif c == 0x5C:
                esc = True
            elif c == 0x22:
                in_str = False
        elif c == 0x22:
            in_str = True
        elif c in b"[{":
            depth += 1
            best = max(best, depth)
        elif c in b"]}":
            depth -= 1
    return best


def _outside_strings(b):
    """The bytes of b outside JSON strings (strings replaced by a single quote char)."""
    out = bytearray()
    in_str = esc = False
    for c in b:
        if in_str:
            if esc:
                esc = False
            elif c == 0x5C:
                esc = True
            elif c == 0x22:
                in_str = False
                out.append(0x22)
        elif c == 0x22:
            in_str = True
        else:
            out.append(c)
    return bytes(out)


def _parse(text):
    """Parse JSON text (str) keeping every member and every number's lexeme.
    Objects become ("obj", [(name, value)...]), numbers ("num", lexeme)."""
    return json.loads(text, object_pairs_hook=lambda pairs: ("obj", pairs),
                      parse_float=lambda s: ("num", s), parse_int=lambda s: ("num", s),
                      parse_constant=_const)


def json_object_text(b, allow_bom=False):
    """(tree, problem): problem is None, "utf8" or "json" (not a JSON object text, or deeper
    than 512 levels)."""
    try:
        s = b.decode("utf-8")
    except UnicodeDecodeError:
        return None, "utf8"
    if allow_bom and s.startswith("\ufeff"):
        s = s[1:]
    if _depth(b) > 512:
        return None, "depth"
    try:
        tree = _parse(s)
    except (ValueError, _Bad, RecursionError):
        return None, "json"
    if not (isinstance(tree, tuple) and tree[0] == "obj"):
        return None, "json"
    return tree, None


def _has_lone(s):
    return any(0xD800 <= ord(c) <= 0xDFFF for c in s)


def _names_lone(tree):
    stack = [tree]
    while stack:
        t = stack.pop()
        if isinstance(t, tuple) and t[0] == "obj":
            for name, v in t[1]:
                if _has_lone(name):
                    return True
                stack.append(v)
        elif isinstance(t, list):
            stack.extend(t)
    return False


def _exact_int(lexeme):
    try:
        d = Decimal(lexeme)
    except InvalidOperation:
        return None
    if not d.is_finite() or d != d.to_integral_value():
        return None
    if d < 0 or d > MAX53:
        return None
    return int(d)


def _strict_index(text, br):
    """Strict index rules R-IDX-1..7; returns [(key, offset, length)] usable for chunk checks.
    A leading BOM is R-IDX-3's business ("no byte order mark"), so R-IDX-2 looks past it."""
    tree, problem = json_object_text(text, allow_bom=True)
    if problem == "utf8":
        br.add("R-IDX-1")
        return []
    if problem:
        br.add("R-IDX-2")
        return []
    outside = _outside_strings(text)
    if text.startswith(b"\xef\xbb\xbf") or any(c in WS for c in outside):
        br.add("R-IDX-3")
    # Number lexemes in the text (outside strings) must be `uint` at most 2^53-1.
    for m in re.finditer(rb"-?[0-9][0-9.eE+-]*", outside):
        lex = m.group(0)
        if re.fullmatch(rb"0|[1-9][0-9]*", lex) is None or int(lex) > MAX53:
            br.add("R-IDX-5")
    entries, seen = [], set()
    # Raw key tokens, in order, to check their escaping against 4.1 `string`.
    raw_keys = _top_level_key_tokens(text)
    for i, (key, value) in enumerate(tree[1]):
        if _has_lone(key) or (i < len(raw_keys) and raw_keys[i] != jstr(key).encode()):
            br.add("R-IDX-6")
        if key in seen:
            br.add("R-IDX-7")
        seen.add(key)
        ok = (isinstance(value, tuple) and value[0] == "obj"
              and [n for n, _ in value[1]] == ["offset", "length"]
              and all(isinstance(v, tuple) and v[0] == "num" for _, v in value[1]))
        if not ok:
            br.add("R-IDX-4")
            continue
        off, ln = (_exact_int(v[1]) for _, v in value[1])
        if off is None or ln is None:
            continue   # R-IDX-5 already; the chunk cannot be located
        entries.append((key, off, ln))
    # Entry member names must be written literally ("offset", not "\u006fffset").
    for m in _entry_member_tokens(text):
        if m not in (b'"offset"', b'"length"'):
            br.add("R-IDX-4")
    return entries


def _string_end(b, i):
    """End (exclusive) of the JSON string token starting at b[i] == '"'."""
    j = i + 1
    while j < len(b):
        if b[j] == 0x5C:
            j += 2
            continue
        if b[j] == 0x22:
            return j + 1
        j += 1
    return len(b)


def _tokens_at_depth(b, want_depth):
    """Raw member-name tokens of objects at nesting depth want_depth (1 = the index)."""
    out, depth, i, expect_name = [], 0, 0, False
    while i < len(b):
        c = b[i]
        if c == 0x22:
            j = _string_end(b, i)
            if expect_name and depth == want_depth:
                out.append(b[i:j])
            expect_name = False
            i = j
            continue
        if c == 0x7B:
            depth += 1
            expect_name = True
        elif c == 0x5B:
            depth += 1
            expect_name = False
        elif c in b"]}":
            depth -= 1
        elif c == 0x2C:
            expect_name = True
        elif c == 0x3A:
            expect_name = False
        i += 1
    return out


def _top_level_key_tokens(b):
    return _tokens_at_depth(b, 1)


def _entry_member_tokens(b):
    return _tokens_at_depth(b, 2)


def _compat_index(text, br):
    """Compat index rules R-IDX-1, 2, 8..12; returns every occurrence [(key, offset, length)]
    in file order (the last occurrence of a key wins)."""
    tree, problem = json_object_text(text, allow_bom=True)
    if problem == "utf8":
        br.add("R-IDX-1")
        return []
    if problem:
        br.add("R-IDX-2")
        return []
    if _names_lone(tree):
        br.add("R-IDX-11")
        return []
    # R-IDX-12: the last occurrence of a key wins, but every occurrence must be a valid entry
    # (spec 1.4 exception 5), so all of them are checked and returned in file order.
    entries = []
    for key, value in tree[1]:
        if not (isinstance(value, tuple) and value[0] == "obj"):
            br.add("R-IDX-9")
            continue
        members = {}
        for n, v in value[1]:
            members[n] = v
        off, ln = members.get("offset"), members.get("length")
        if not all(isinstance(v, tuple) and v[0] == "num" for v in (off, ln)):
            br.add("R-IDX-9")
            continue
        o, n_ = _exact_int(off[1]), _exact_int(ln[1])
        if o is None or n_ is None:
            br.add("R-IDX-10")
            continue
        entries.append((key, o, n_))
    return entries


def _payload_rules(p, br):
    tree, problem = json_object_text(p)
    if problem == "utf8":
        br.add("R-PAY-1")
        # Still check the JSON shape with invalid bytes replaced (UTF-8 is R-PAY-1's job).
        tree, problem = json_object_text(p.decode("utf-8", "replace").encode())
    if problem == "depth":
        br.add("R-PAY-3")
        try:
            json.loads(p.decode("utf-8", "replace"), parse_constant=_const)
        except RecursionError:
            pass
        except (ValueError, _Bad):
            br.add("R-PAY-2")
    elif problem == "json":
        br.add("R-PAY-2")


def _events(data, eo, el, ec, strict, br, segment=False):
    """ec None: a segment (spec 3.7, R-SEG-5): count always read, no R-EVT-1/2/9."""
    sec = data[eo:eo + el]
    if not segment:
        if strict and el < 8:
            br.add("R-EVT-1")
            return
        if not strict and (el < 4 or get_u32(sec, 0) == 0):
            return
        if el < 4:
            return
    n = get_u32(sec, 0)
    fixed = 8 + 19 * n + pad_of(n)
    if strict and not segment and ec != n:
        br.add("R-EVT-9")
    if n > 0 and fixed > el:
        br.add("R-EVT-3")
        if strict:
            br.add("R-EVT-4")
        return
    if not strict:
        for i in range(n):
            off = get_u32(sec, 4 + 11 * n + pad_of(n) + 4 * i)
            ln = get_u32(sec, 4 + 15 * n + pad_of(n) + 4 * i)
            if fixed + off + ln > el:
                br.add("R-EVT-7")
        return
    m = get_u32(sec, fixed - 4)
    if el != fixed + m:
        br.add("R-EVT-4")
    if any(sec[4 + 11 * n:4 + 11 * n + pad_of(n)]):
        br.add("R-EVT-5")
    offs = [get_u32(sec, 4 + 11 * n + pad_of(n) + 4 * i) for i in range(n)]
    lens = [get_u32(sec, 4 + 15 * n + pad_of(n) + 4 * i) for i in range(n)]
    pos = 0
    for o, ln in zip(offs, lens):
        if o != pos:
            br.add("R-EVT-6")
        pos = o + ln
    if sum(lens) != m:
        br.add("R-EVT-6")
    for i in range(n):
        if get_u64(sec, 4 + 8 * i) > MAX53:
            br.add("R-EVT-8")
        if fixed + offs[i] + lens[i] > el:
            br.add("R-EVT-7")
        else:
            _payload_rules(sec[fixed + offs[i]:fixed + offs[i] + lens[i]], br)


def _segments(data, flags, eo, el, ec, io, il, strict, br):
    """Spec 3.7, every R-SEG rule on its own; returns the segments' (start, end) spans."""
    if el < 8:
        br.add("R-SEG-1")
        return []
    count = get_u32(data, eo)
    if count == 0 or count > 65536 or el != 8 + 32 * count:
        br.add("R-SEG-1")
        return []
    if strict and any(data[eo + 4:eo + 8]):
        br.add("R-SEG-2")
    spans, total, known = [], 0, True
    for k in range(count):
        e = eo + 8 + 32 * k
        so, sl, fe = get_u64(data, e), get_u64(data, e + 8), get_u64(data, e + 16)
        if strict and any(data[e + 28:e + 32]):
            br.add("R-SEG-2")
        if strict and not flags & 0xFFFF and get_u32(data, e + 24):
            br.add("R-SEG-8")
        placed = 128 <= so and so + sl <= eo
        if not placed or (il and so < io + il and io < so + sl):
            br.add("R-SEG-3")
        if spans and so < spans[-1][1]:
            br.add("R-SEG-4")
        if known and fe != total:
            br.add("R-SEG-6")
        if sl < 8:
            br.add("R-SEG-5")
        if strict and flags & 1 and placed and get_u32(data, e + 24) != _crc32c(data[so:so + sl]):
            br.add("R-SEG-10")
        if not placed or sl < 8:
            known = False
            continue
        _events(data, so, sl, None, strict, br, segment=True)
        n = get_u32(data, so)
        if strict and n == 0:
            br.add("R-SEG-7")
        total += n
        spans.append((so, so + sl))
    if known and total != ec:
        br.add("R-SEG-6")
    return spans


def _chunks(data, entries, h, e, strict, br, segs=()):
    size = len(data)
    spans = []
    for _key, off, ln in entries:
        if off + 4 + ln > size:
            br.add("R-CHK-1")
        if not strict:
            continue
        if off < h or off + 4 + ln > e:
            br.add("R-CHK-2")
        if off + 4 <= size and get_u32(data, off) != ln:
            br.add("R-CHK-3")
        spans.append((off, off + 4 + ln))
    spans.sort()
    for (a0, a1), (b0, _b1) in zip(spans, spans[1:]):
        if b0 < a1:
            br.add("R-CHK-4")
    for a0, a1 in spans:
        if any(a0 < s1 and s0 < a1 for s0, s1 in segs):
            br.add("R-SEG-9")


def _crc32c(b):
    """CRC32C (spec 3.8) one bit at a time: slow, and sharing nothing with pyacepack."""
    c = 0xFFFFFFFF
    for byte in b:
        c ^= byte
        for _ in range(8):
            c = (c >> 1) ^ (0x82F63B78 if c & 1 else 0)
    return c ^ 0xFFFFFFFF


def _checksums(data, flags, ce, eo, el, io, il, br):
    """R-CRC-1..5 (strict, flag bit 0 set, v2 of at least 128 bytes)."""
    size = len(data)
    if get_u32(data, 64) != _crc32c(data[:64] + bytes(4) + data[68:128]):
        br.add("R-CRC-1")
    if not flags & 0xFFFE and any(data[80:128]):
        br.add("R-CRC-5")
    if 128 <= ce <= size and get_u32(data, 68) != _crc32c(data[128:ce]):
        br.add("R-CRC-2")
    if eo <= size and el <= size - eo and get_u32(data, 72) != _crc32c(data[eo:eo + el]):
        br.add("R-CRC-3")
    if io <= size and il <= size - io and get_u32(data, 76) != _crc32c(data[io:io + il]):
        br.add("R-CRC-4")


def broken_rules(data, profile):
    """Every rule of 7.1 that `data` breaks under `profile`, each checked on its own."""
    strict = profile == "strict"
    br = set()
    size = len(data)
    if size < 64:
        return {"R-HDR-1"}
    if data[:8] != MAGIC:
        br.add("R-HDR-2")
    version = get_u32(data, 8)
    if version not in (1, 2):
        br.add("R-HDR-3")
        return br
    flags = get_u32(data, 12)
    # bit 16 (segmented event log, spec 3.7) is defined, for version 2 only
    if flags & (0xFFFE0000 if version == 2 else 0xFFFF0000):
        br.add("R-HDR-4")
        return br
    compatible_set = flags & 0xFFFF
    io, il = get_u64(data, 16), get_u64(data, 24)
    idx_ok = io <= size and il <= size - io
    if not idx_ok:
        br.add("R-LAY-1")
    if version == 1:
        if strict and not compatible_set and any(data[32:64]):
            br.add("R-V1-1")
        if strict and io < 64:
            br.add("R-V1-2")
        if idx_ok:
            text = data[io:io + il]
            entries = _strict_index(text, br) if strict else _compat_index(text, br)
            _chunks(data, entries, 64, io, strict, br)
        return br
    if size < 128:
        br.add("R-HDR-5")
    if strict and not compatible_set and any(data[64:128]):
        br.add("R-HDR-6")
    ce, eo, el, ec = get_u64(data, 32), get_u64(data, 40), get_u64(data, 48), get_u32(data, 56)
    if strict and flags & 1 and not flags & 0xFFFF0000 and size >= 128:
        _checksums(data, flags, ce, eo, el, io, il, br)
    evt_ok = eo <= size and el <= size - eo
    if not evt_ok:
        br.add("R-LAY-2")
    if strict:
        if ce < 128:
            br.add("R-LAY-3")
        if eo != ce:
            br.add("R-LAY-4")
        if io != eo + el:
            br.add("R-LAY-5")
    segs = []
    if evt_ok and flags & 0x10000:
        segs = _segments(data, flags, eo, el, ec, io, il if idx_ok else 0, strict, br)
    elif evt_ok:
        _events(data, eo, el, ec, strict, br)
    if idx_ok:
        text = data[io:io + il]
        entries = _strict_index(text, br) if strict else _compat_index(text, br)
        _chunks(data, entries, 128, ce, strict, br, segs)
    return br
