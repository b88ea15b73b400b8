/*
 * json_check.c - the JSON validator core (RFC 8259) and acepack_json_check
 * (R-PAY-1..3).
 *
 * Iterative, no recursion: the kind of each open container (object or
 * array) is one bit of a 512-bit set on the stack, so the nesting limit of
 * spec 3.6 costs 64 bytes whatever the input.
 */
#include "internal.h"

#define BIT_SET(s, n) ((s)[(n) >> 3] |= (uint8_t)(1u << ((n)&7u)))
#define BIT_CLR(s, n) ((s)[(n) >> 3] &= (uint8_t) ~(1u << ((n)&7u)))
#define BIT_GET(s, n) (((unsigned)(s)[(n) >> 3] >> ((n)&7u)) & 1u)

/* 1 for a byte that a string body can hold as itself and that needs no
 * further look: 0x20..0x7F except '"' and '\\'. */
static const uint8_t PLAIN[256] = {
#define R16(v) v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v
    R16(0), R16(0), 1,      1,      0,      1,      1,      1,      1,      1,     1,
    1,      1,      1,      1,      1,      1,      1, /* 0x20..0x2F: '"' */
    R16(1), R16(1), 1,      1,      1,      1,      1,      1,      1,      1,     1,
    1,      1,      1,      0,      1,      1,      1, /* 0x50..0x5F: '\\' */
    R16(1), R16(1), R16(0), R16(0), R16(0), R16(0), R16(0), R16(0), R16(0), R16(0)
#undef R16
};

/* The end of the plain run of a string body starting at d[i]: the hot path
 * of most strings, inlined so that a short key costs no call. */
static inline size_t plain_run(const uint8_t *d, size_t i, size_t end)
{
    while (end - i >= 8) {
        uint64_t w = ap_load64(d + i);
        uint64_t m =
            ap_has_less(w, 0x20) | ap_has_byte(w, '"') | ap_has_byte(w, '\\') | (w & AP_HIGHS);
        if (m != 0) {
            i += ap_clean_prefix(m);
            break;
        }
        i += 8;
    }
    while (i < end && PLAIN[d[i]])
        i++;
    return i;
}

/* A whole string whose opening quote is d[i-1]; *pi past the closing quote. */
static inline ap_json_fault string_at(const uint8_t *d, size_t *pi, size_t end, int unicode)
{
    size_t j = plain_run(d, *pi, end);
    int esc;
    if (j < end && d[j] == '"') {
        *pi = j + 1;
        return AP_JSON_OK;
    }
    return ap_json_string(d, j, end, unicode, pi, &esc); /* escapes, UTF-8, faults */
}

/* A byte that cannot start the expected token: a UTF-8 fault when it is not
 * even valid UTF-8 there (R-PAY-1 / R-IDX-1 win over the grammar rule). */
static ap_json_fault bad_byte(const uint8_t *d, size_t i, size_t end)
{
    if (i < end && d[i] >= 0x80 && ap_utf8_seq(d + i, end - i) == 0)
        return AP_JSON_UTF8;
    return AP_JSON_SYNTAX;
}

/* Matches a literal; on a mismatch *i is the first byte that differs. */
static int literal(const uint8_t *d, size_t *i, size_t end, const char *lit)
{
    size_t k = *i;
    for (; *lit; lit++, k++) {
        if (k >= end || d[k] != (uint8_t)*lit) {
            *i = k;
            return 0;
        }
    }
    *i = k;
    return 1;
}

ap_json_fault ap_json_value(const uint8_t *d, size_t i, size_t end, unsigned depth0,
                            int unicode_names, size_t *out)
{
    /* bit n: level n is an object.  Zeroed: BIT_SET/BIT_CLR read the byte
     * they update, and reading indeterminate bytes is what a sound analyser
     * (tools/prove.sh) rightly reports. */
    uint8_t is_obj[AP_MAX_DEPTH / 8 + 1] = {0};
    unsigned depth = depth0;
    ap_json_fault f;

value:
    if (i >= end)
        goto syntax;
    switch (d[i]) {
    case '{':
        if (depth >= AP_MAX_DEPTH) {
            *out = i;
            return AP_JSON_DEPTH;
        }
        depth++;
        BIT_SET(is_obj, depth);
        i = ap_skip_ws(d, i + 1, end);
        if (i < end && d[i] == '}') {
            i++;
            depth--;
            goto after;
        }
        goto key;
    case '[':
        if (depth >= AP_MAX_DEPTH) {
            *out = i;
            return AP_JSON_DEPTH;
        }
        depth++;
        BIT_CLR(is_obj, depth);
        i = ap_skip_ws(d, i + 1, end);
        if (i < end && d[i] == ']') {
            i++;
            depth--;
            goto after;
        }
        goto value;
    case '"':
        i++;
        f = string_at(d, &i, end, 0); /* string values may hold any escape */
        if (f != AP_JSON_OK) {
            *out = i;
            return f;
        }
        goto after;
    case '1':
    case '2':
    case '3':
    case '4':
    case '5':
    case '6':
    case '7':
    case '8':
    case '9': {
        /* fast path: a plain integer */
        size_t j = i + 1;
        while (j < end && ap_is_digit(d[j]))
            j++;
        if (j >= end || (d[j] != '.' && d[j] != 'e' && d[j] != 'E')) {
            i = j;
            goto after;
        }
    }
        /* fall through */
    case '-':
    case '0':
        if (ap_json_number(d, i, end, &i) != AP_JSON_OK)
            goto syntax;
        goto after;
    case 't':
        if (!literal(d, &i, end, "true"))
            goto syntax;
        goto after;
    case 'f':
        if (!literal(d, &i, end, "false"))
            goto syntax;
        goto after;
    case 'n':
        if (!literal(d, &i, end, "null"))
            goto syntax;
        goto after;
    default:
        goto syntax;
    }

key:
    if (i >= end || d[i] != '"')
        goto syntax;
    {
        size_t quote = i++;
        f = string_at(d, &i, end, unicode_names);
        if (f != AP_JSON_OK) {
            *out = f == AP_JSON_SURROGATE ? quote : i;
            return f;
        }
    }
    i = ap_skip_ws(d, i, end);
    if (i >= end || d[i] != ':')
        goto syntax;
    i = ap_skip_ws(d, i + 1, end);
    goto value;

after:
    if (depth == depth0) {
        *out = i;
        return AP_JSON_OK;
    }
    i = ap_skip_ws(d, i, end);
    if (i >= end)
        goto syntax;
    if (d[i] == ',') {
        i = ap_skip_ws(d, i + 1, end);
        if (BIT_GET(is_obj, depth))
            goto key;
        goto value;
    }
    if (d[i] == (BIT_GET(is_obj, depth) ? '}' : ']')) {
        i++;
        depth--;
        goto after;
    }
    /* fall through */
syntax:
    *out = i < end ? i : end;
    return bad_byte(d, i, end);
}

size_t ap_json_skip_valid(const uint8_t *d, size_t i, size_t end)
{
    unsigned long depth = 0;
    int esc;
    while (i < end) {
        uint8_t c = d[i];
        if (c == '"') {
            i = ap_json_string_end_valid(d, i + 1, end, &esc);
            if (depth == 0)
                return i;
        } else if (c == '{' || c == '[') {
            depth++;
            i++;
        } else if (c == '}' || c == ']') {
            i++;
            if (--depth == 0)
                return i;
        } else if (depth == 0) {
            /* a number or literal: it ends at the next delimiter */
            while (i < end && d[i] != ',' && d[i] != '}' && d[i] != ']' && !ap_is_ws(d[i]))
                i++;
            return i;
        } else {
            i++;
        }
    }
    return end;
}

acepack_status acepack_json_check(const void *data, size_t n, acepack_error *err)
{
    const uint8_t *d = (const uint8_t *)data;
    size_t i, at;
    ap_json_fault f;
    if (d == NULL && n > 0)
        return ap_fail(err, ACEPACK_ARG, NULL, 0, "NULL payload");
    i = ap_skip_ws(d, 0, n);
    if (i >= n || d[i] != '{') {
        if (bad_byte(d, i, n) == AP_JSON_UTF8)
            return ap_fail(err, ACEPACK_INVALID, "R-PAY-1", i, "payload is not valid UTF-8");
        return ap_fail(err, ACEPACK_INVALID, "R-PAY-2", i, "payload is not a JSON object");
    }
    f = ap_json_value(d, i, n, 0, 0, &at);
    if (f == AP_JSON_OK) {
        at = ap_skip_ws(d, at, n);
        if (at == n)
            return ACEPACK_OK;
        f = bad_byte(d, at, n);
    }
    switch (f) {
    case AP_JSON_UTF8:
        return ap_fail(err, ACEPACK_INVALID, "R-PAY-1", at, "payload is not valid UTF-8");
    case AP_JSON_DEPTH:
        return ap_fail(err, ACEPACK_INVALID, "R-PAY-3", at,
                       "payload nests arrays and objects deeper than 512 levels");
    default:
        return ap_fail(err, ACEPACK_INVALID, "R-PAY-2", at, "payload is not a JSON text");
    }
}
