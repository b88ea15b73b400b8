/*
 * index_scan.c - validation of the KV index at open (spec 4) and of every
 * entry's chunk (spec 3.4: R-CHK-1..3).
 *
 * Two scanners share the chunk check:
 *  - strict: the exact grammar of spec 4.1, matched literally, no nesting
 *    beyond the entry object (each entry: ap_strict_entry, strict_entry.c,
 *    which the iterator and the table read entries with too).  At the first
 *    byte that deviates, the fault is
 *    classified: whitespace or BOM -> R-IDX-3, a different entry shape ->
 *    R-IDX-4, a number not written as `uint` -> R-IDX-5, a key escape that
 *    is valid JSON but not the required form -> R-IDX-6, anything JSON itself
 *    forbids -> R-IDX-2.
 *  - compat: any JSON text (R-IDX-2), read as JSON.parse reads it (R-IDX-8..
 *    11), with the depth bitset of json_check.c for ignored members; each
 *    member's meaning (R-IDX-9, R-IDX-10, R-CHK-1) is checked right after its
 *    syntax, for every occurrence of a repeated key (R-IDX-12).
 * Both run after one UTF-8 pass over the whole index (R-IDX-1).
 *
 * Offsets (spec 7.2): R-IDX-3: the whitespace/BOM byte; R-IDX-4, R-IDX-9,
 * R-CHK-1..3: the member (its key's quote); R-IDX-5, R-IDX-10: the number
 * token; R-IDX-6, R-IDX-11: the name token; R-IDX-2: the first byte that
 * cannot continue the text.
 */
#include "internal.h"

typedef struct scan {
    acepack_reader *r;
    const uint8_t *d;
    size_t end;
    acepack_error *err;
} scan;

static acepack_status fail_at(scan *s, const char *rule, size_t at, const char *msg)
{
    return ap_fail(s->err, ACEPACK_INVALID, rule, at, msg);
}

/* R-CHK-1..3 for one entry (both profiles; strict adds R-CHK-2, R-CHK-3). */
static acepack_status check_chunk(scan *s, size_t member, uint64_t off, uint64_t len)
{
    acepack_reader *r = s->r;
    uint64_t h = r->version == 1 ? 64u : 128u;
    /* off, len <= 2^53-1 (R-IDX-5 / R-IDX-10): off + 4 + len cannot overflow */
    if (off + 4u + len > (uint64_t)r->size)
        return ap_fail(s->err, ACEPACK_TRUNCATED, "R-CHK-1", member,
                       "value extends past the end of the file");
    if (r->profile == ACEPACK_STRICT) {
        if (off < h || off + 4u + len > r->chunk_end)
            return fail_at(s, "R-CHK-2", member, "chunk is outside the chunk region");
        if (ap_be32(r->data + (size_t)off) != len)
            return fail_at(s, "R-CHK-3", member,
                           "chunk length field differs from the index length");
    }
    return ACEPACK_OK;
}

/* ------------------------------------------------------------------------
 * strict
 * ------------------------------------------------------------------------ */

/* The fault at a byte of the index object itself (its braces, a member's
 * quote or ':', the ',' between members) where that byte was expected; the
 * entries are strict_entry.c's. */
static acepack_status strict_punct(scan *s, size_t i, const char *what)
{
    return ap_strict_punct(s->d, s->end, i, what, s->err);
}

/* Key string (spec 4.1 `string`), d[i] is the first byte of the body. */
static acepack_status strict_key(scan *s, size_t *pi, size_t quote)
{
    const uint8_t *d = s->d;
    size_t i = *pi, end = s->end;
    for (;;) {
        while (end - i >= 8) {
            uint64_t w = ap_load64(d + i);
            if ((ap_has_less(w, 0x20) | ap_has_byte(w, '"') | ap_has_byte(w, '\\')) != 0)
                break;
            i += 8; /* UTF-8 was checked by the first pass */
        }
        if (i >= end)
            return fail_at(s, "R-IDX-2", end, "index ends inside a key");
        if (d[i] == '"') {
            *pi = i + 1;
            return ACEPACK_OK;
        }
        if (d[i] < 0x20)
            return fail_at(s, "R-IDX-2", i, "raw control character in a key");
        if (d[i] != '\\') {
            i++;
            continue;
        }
        if (i + 1 >= end)
            return fail_at(s, "R-IDX-2", end, "index ends inside a key");
        switch (d[i + 1]) {
        case '"':
        case '\\':
        case 'b':
        case 'f':
        case 'n':
        case 'r':
        case 't':
            i += 2;
            continue;
        case '/':
            return fail_at(s, "R-IDX-6", quote, "key escape \\/ is not in the required form");
        case 'u': {
            size_t k;
            unsigned v = 0;
            int canonical = 1;
            for (k = 2; k < 6; k++) {
                uint8_t c;
                if (i + k >= end)
                    return fail_at(s, "R-IDX-2", end, "index ends inside a key");
                c = d[i + k];
                if (c >= '0' && c <= '9')
                    v = v * 16u + (unsigned)(c - '0');
                else if (c >= 'a' && c <= 'f')
                    v = v * 16u + (unsigned)(c - 'a' + 10);
                else if (c >= 'A' && c <= 'F') {
                    v = v * 16u + (unsigned)(c - 'A' + 10);
                    canonical = 0; /* HEXLC: lowercase only */
                } else
                    return fail_at(s, "R-IDX-2", i + k, "bad \\u escape in a key");
            }
            /* only U+0000..U+001F without a short form may use \u00XX */
            if (!canonical || v >= 0x20 || v == 0x08 || v == 0x09 || v == 0x0A || v == 0x0C ||
                v == 0x0D)
                return fail_at(s, "R-IDX-6", quote, "key escape is not in the required form");
            i += 6;
            continue;
        }
        default:
            return fail_at(s, "R-IDX-2", i + 1, "invalid escape in a key");
        }
    }
}

static acepack_status scan_strict(scan *s, size_t i)
{
    const uint8_t *d = s->d;
    size_t end = s->end;
    acepack_status st;
    uint64_t count = 0;

    if (end - i >= 3 && d[i] == 0xEF && d[i + 1] == 0xBB && d[i + 2] == 0xBF)
        return fail_at(s, "R-IDX-3", i, "byte order mark before the index");
    if (i >= end || d[i] != '{')
        return strict_punct(s, i, "index is not a JSON object");
    s->r->priv.index_begin = i;
    i++;
    if (i < end && d[i] == '}') {
        i++;
        goto done;
    }
    for (;;) {
        size_t member = i;
        uint64_t off, len;
        if (i >= end || d[i] != '"')
            return strict_punct(s, i, "expected a key");
        i++;
        if ((st = strict_key(s, &i, member)) != ACEPACK_OK)
            return st;
        if (i >= end || d[i] != ':')
            return strict_punct(s, i, "expected ':'");
        i++;
        if ((st = ap_strict_entry(s->d, end, &i, member, &off, &len, s->err)) != ACEPACK_OK)
            return st;
        if ((st = check_chunk(s, member, off, len)) != ACEPACK_OK)
            return st;
        count++;
        if (i < end && d[i] == ',') {
            i++;
            continue;
        }
        if (i < end && d[i] == '}') {
            i++;
            break;
        }
        return strict_punct(s, i, "expected ',' or '}'");
    }
done:
    if (i != end)
        return strict_punct(s, i, "bytes after the index object");
    s->r->entry_count = count;
    return ACEPACK_OK;
}

/* ------------------------------------------------------------------------
 * compat
 * ------------------------------------------------------------------------ */

static acepack_status json_fault(scan *s, ap_json_fault f, size_t at, size_t token)
{
    switch (f) {
    case AP_JSON_UTF8: /* not reached after the UTF-8 pass; kept for safety */
        return fail_at(s, "R-IDX-1", at, "index is not valid UTF-8");
    case AP_JSON_DEPTH:
        return fail_at(s, "R-IDX-2", at, "index nests deeper than 512 levels");
    case AP_JSON_SURROGATE:
        return fail_at(s, "R-IDX-11", token, "key or member name holds an unpaired surrogate");
    default:
        return fail_at(s, "R-IDX-2", at, "index is not a JSON text");
    }
}

/* Expects ':' at the next non-whitespace byte; leaves *pi after it. */
static acepack_status compat_colon(scan *s, size_t *pi)
{
    size_t i = ap_skip_ws(s->d, *pi, s->end);
    if (i >= s->end || s->d[i] != ':')
        return json_fault(s, AP_JSON_SYNTAX, i, i);
    *pi = i + 1;
    return ACEPACK_OK;
}

/* A key or member name at d[*pi] (the quote); R-IDX-11 forbids unpaired
 * surrogate escapes in it. */
static acepack_status compat_string(scan *s, size_t *pi)
{
    size_t i = *pi, out;
    ap_json_fault f;
    int esc;
    if (i >= s->end || s->d[i] != '"')
        return json_fault(s, AP_JSON_SYNTAX, i, i);
    f = ap_json_string(s->d, i + 1, s->end, 1, &out, &esc);
    if (f != AP_JSON_OK)
        return json_fault(s, f, out, i);
    *pi = out;
    return ACEPACK_OK;
}

/* One entry object at d[*pi] ('{' checked by the caller), level 2: syntax,
 * and R-IDX-11 for every member name in it at any depth.  Its meaning
 * (R-IDX-9, R-IDX-10, R-CHK-1) is checked by compat_meaning(). */
static acepack_status compat_entry(scan *s, size_t *pi)
{
    const uint8_t *d = s->d;
    size_t i = ap_skip_ws(d, *pi + 1, s->end), end = s->end;
    acepack_status st;
    if (i < end && d[i] == '}') {
        *pi = i + 1;
        return ACEPACK_OK;
    }
    for (;;) {
        size_t vstart, vend;
        ap_json_fault f;
        if ((st = compat_string(s, &i)) != ACEPACK_OK)
            return st;
        if ((st = compat_colon(s, &i)) != ACEPACK_OK)
            return st;
        vstart = ap_skip_ws(d, i, end);
        f = ap_json_value(d, vstart, end, 2, 1, &vend);
        if (f != AP_JSON_OK)
            return json_fault(s, f, vend, vend);
        i = ap_skip_ws(d, vend, end);
        if (i < end && d[i] == ',') {
            i = ap_skip_ws(d, i + 1, end);
            continue;
        }
        if (i < end && d[i] == '}') {
            *pi = i + 1;
            return ACEPACK_OK;
        }
        return json_fault(s, AP_JSON_SYNTAX, i, i);
    }
}

/* R-IDX-9, R-IDX-10, R-CHK-1 for the member at d[member], whose syntax was
 * just checked: every occurrence of a key must be a valid entry (R-IDX-12,
 * spec 1.4 item 5).  The iterator works the meaning out. */
static acepack_status compat_meaning(scan *s, size_t member)
{
    acepack_index_iter one;
    acepack_entry e;
    acepack_error fault = {0}; /* set when ap_index_next returns < 0 (zeroed for tools/prove) */
    ap_index_iter_at(&one, s->r, member);
    if (ap_index_next(&one, &e, &fault) < 0)
        return ap_fail(s->err, fault.status, fault.rule, fault.offset, fault.message);
    return ACEPACK_OK;
}

static acepack_status scan_compat(scan *s, size_t i)
{
    const uint8_t *d = s->d;
    size_t end = s->end;
    uint64_t count = 0;
    acepack_status st;

    /* R-IDX-8: a leading BOM is skipped (TextDecoder strips it). */
    if (end - i >= 3 && d[i] == 0xEF && d[i + 1] == 0xBB && d[i + 2] == 0xBF)
        i += 3;
    i = ap_skip_ws(d, i, end);
    if (i >= end || d[i] != '{') {
        size_t at;
        /* R-IDX-2 either way: a valid value that is not an object, or no JSON */
        if (i < end && ap_json_value(d, i, end, 0, 0, &at) == AP_JSON_OK)
            return fail_at(s, "R-IDX-2", i, "index is not a JSON object");
        return json_fault(s, AP_JSON_SYNTAX, i < end ? i : end, i);
    }
    s->r->priv.index_begin = i;
    i = ap_skip_ws(d, i + 1, end);
    if (i < end && d[i] == '}') {
        i++;
    } else {
        for (;;) {
            size_t member = i, entry;
            if ((st = compat_string(s, &i)) != ACEPACK_OK)
                return st;
            if ((st = compat_colon(s, &i)) != ACEPACK_OK)
                return st;
            entry = ap_skip_ws(d, i, end);
            if (entry >= end || d[entry] != '{') {
                /* valid JSON first (R-IDX-2, R-IDX-11), then R-IDX-9 */
                ap_json_fault f = ap_json_value(d, entry, end, 1, 1, &i);
                if (f != AP_JSON_OK)
                    return json_fault(s, f, i, i);
            } else {
                i = entry;
                if ((st = compat_entry(s, &i)) != ACEPACK_OK)
                    return st;
            }
            if ((st = compat_meaning(s, member)) != ACEPACK_OK)
                return st;
            count++;
            i = ap_skip_ws(d, i, end);
            if (i < end && d[i] == ',') {
                i = ap_skip_ws(d, i + 1, end);
                continue;
            }
            if (i < end && d[i] == '}') {
                i++;
                break;
            }
            return json_fault(s, AP_JSON_SYNTAX, i, i);
        }
    }
    i = ap_skip_ws(d, i, end);
    if (i != end)
        return fail_at(s, "R-IDX-2", i, "bytes after the index object");
    s->r->entry_count = count;
    return ACEPACK_OK;
}

acepack_status ap_scan_index(acepack_reader *r, acepack_error *err)
{
    scan s;
    size_t begin = (size_t)r->index_offset; /* inside the file: R-LAY-1 */
    size_t bad;
    s.r = r;
    s.d = r->data;
    s.end = begin + (size_t)r->index_length;
    s.err = err;
    /* R-LAY-1 (header.c) holds; restated on the very bound every scan below
     * compares with, so that `i < s.end` visibly keeps d[i] inside the file
     * (for a reviewer, and for a non-relational analyser: tools/prove). */
    if (s.end > r->size || s.end < begin)
        return ap_fail(err, ACEPACK_TRUNCATED, "R-LAY-1", 16,
                       "index extends past the end of the file");
    r->priv.index_end = s.end;
    bad = acepack_utf8_check(s.d + begin, s.end - begin);
    if (bad != s.end - begin)
        return fail_at(&s, "R-IDX-1", begin + bad, "index is not valid UTF-8");
    return r->profile == ACEPACK_STRICT ? scan_strict(&s, begin) : scan_compat(&s, begin);
}
