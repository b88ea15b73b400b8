/*
 * strict_entry.c - the strict form of one index entry (spec 4.1), written
 * out here and nowhere else:
 *
 *     entry = "{" DQUOTE %s"offset" DQUOTE ":" uint "," DQUOTE %s"length" DQUOTE ":" uint "}"
 *     uint  = "0" / ( %x31-39 *DIGIT )   ; at most 2^53-1
 *
 * index_scan.c checks every entry of a strict index with ap_strict_entry()
 * at open; the iterator (index_iter.c) and the lookup table (table.c) read
 * the entries of an index that open accepted with the same function, so the
 * three can never disagree about where an entry ends or what its numbers
 * are.  No allocation, no recursion; every read of d[i] is under i < end.
 *
 * Faults (spec 7.2 offsets): whitespace -> R-IDX-3 at the byte; a member
 * value or member list of another shape -> R-IDX-4 at the member (its key's
 * quote); a JSON number not written as `uint` -> R-IDX-5 at the number; a
 * byte JSON itself forbids -> R-IDX-2 at that byte.
 */
#include "internal.h"

typedef struct entry_scan {
    const uint8_t *d;
    size_t end;
    acepack_error *err; /* NULL: a caller that only reads the entry */
} entry_scan;

static acepack_status fail_at(entry_scan *s, const char *rule, size_t at, const char *msg)
{
    return ap_fail(s->err, ACEPACK_INVALID, rule, at, msg);
}

/* The fault at a byte where a structural character was expected. */
static acepack_status strict_punct(entry_scan *s, size_t i, const char *what)
{
    if (i < s->end && ap_is_ws(s->d[i]))
        return fail_at(s, "R-IDX-3", i, "whitespace in the index");
    return fail_at(s, "R-IDX-2", i < s->end ? i : s->end, what);
}

/* The fault at a byte where the member value (entry object) or one of its
 * numbers was expected. */
static acepack_status strict_value(entry_scan *s, size_t i, size_t entry)
{
    uint8_t c;
    if (i >= s->end)
        return fail_at(s, "R-IDX-2", s->end, "index ends inside an entry");
    c = s->d[i];
    if (ap_is_ws(c))
        return fail_at(s, "R-IDX-3", i, "whitespace in the index");
    if (c == '"' || c == '{' || c == '[' || c == 't' || c == 'f' || c == 'n' || c == '-' ||
        ap_is_digit(c))
        return fail_at(s, "R-IDX-4", entry, "entry is not exactly {\"offset\":U,\"length\":U}");
    return fail_at(s, "R-IDX-2", i, "not a JSON value");
}

/* uint (spec 4.1) at d[*pi]: "0" or a nonzero digit and digits, <= 2^53-1.
 * A token that is no JSON number at all breaks R-IDX-2 (reported at the
 * byte where JSON fails); a JSON number in another form breaks R-IDX-5. */
static acepack_status strict_uint(entry_scan *s, size_t *pi, size_t entry, uint64_t *out)
{
    const uint8_t *d = s->d;
    size_t i = *pi, start = i, end = s->end, k;
    uint64_t v = 0;
    /* The form writers use: 1 to 16 digits, no leading zero, then a byte
     * that cannot continue a number.  Anything else takes the general path
     * below, which finds the rule and offset of a fault. */
    while (i < end && i - start < 17 && ap_is_digit(d[i]))
        v = v * 10u + (uint64_t)(d[i++] - '0');
    if (i > start && i - start <= 16 && (d[start] != '0' || i - start == 1) &&
        (i >= end || (d[i] != '.' && d[i] != 'e' && d[i] != 'E' && !ap_is_digit(d[i]))) &&
        v <= AP_MAX_SAFE_INT) {
        *pi = i;
        *out = v;
        return ACEPACK_OK;
    }
    i = start;
    v = 0;
    if (i < end && (d[i] == '-' || ap_is_digit(d[i]))) {
        if (ap_json_number(d, i, end, &i) != AP_JSON_OK || (i < end && ap_is_digit(d[i])))
            return fail_at(s, "R-IDX-2", i, "not a JSON number");
        if (i - start > 16 || !ap_is_digit(d[start])) /* 17 digits are >= 10^16 > 2^53-1 */
            return fail_at(s, "R-IDX-5", start, "number is not a uint of at most 2^53-1");
        for (k = start; k < i; k++) {
            if (!ap_is_digit(d[k])) /* fraction or exponent */
                return fail_at(s, "R-IDX-5", start, "number is not a uint of at most 2^53-1");
            v = v * 10u + (uint64_t)(d[k] - '0');
        }
        if (v > AP_MAX_SAFE_INT)
            return fail_at(s, "R-IDX-5", start, "number is not a uint of at most 2^53-1");
        *pi = i;
        *out = v;
        return ACEPACK_OK;
    }
    return strict_value(s, i, entry);
}

/* Literal member name `lit` (with quotes) followed by ':'. */
static acepack_status strict_name(entry_scan *s, size_t *pi, const char *lit, size_t n,
                                  size_t entry)
{
    size_t i = *pi;
    if (s->end - i >= n && memcmp(s->d + i, lit, n) == 0) {
        i += n;
        if (i < s->end && s->d[i] == ':') {
            *pi = i + 1;
            return ACEPACK_OK;
        }
        return strict_punct(s, i, "expected ':'");
    }
    if (i < s->end && (s->d[i] == '"' || s->d[i] == '}')) /* another or a missing member */
        return fail_at(s, "R-IDX-4", entry, "entry is not exactly {\"offset\":U,\"length\":U}");
    return strict_value(s, i, entry);
}

acepack_status ap_strict_punct(const uint8_t *d, size_t end, size_t i, const char *what,
                               acepack_error *err)
{
    entry_scan es;
    es.d = d;
    es.end = end;
    es.err = err;
    return strict_punct(&es, i, what);
}

acepack_status ap_strict_entry(const uint8_t *d, size_t end, size_t *pi, size_t member,
                               uint64_t *off, uint64_t *len, acepack_error *err)
{
    entry_scan es, *s = &es;
    size_t i = *pi, entry = member; /* R-IDX-4 faults are reported at the member */
    acepack_status st;
    es.d = d;
    es.end = end;
    es.err = err;
    if (i >= end || d[i] != '{')
        return strict_value(s, i, entry);
    i++;
    if ((st = strict_name(s, &i, "\"offset\"", 8, entry)) != ACEPACK_OK ||
        (st = strict_uint(s, &i, entry, off)) != ACEPACK_OK)
        return st;
    if (i >= end || d[i] != ',') {
        if (i < end && d[i] == '}')
            return fail_at(s, "R-IDX-4", entry, "entry has no length member");
        return strict_punct(s, i, "expected ','");
    }
    i++;
    if ((st = strict_name(s, &i, "\"length\"", 8, entry)) != ACEPACK_OK ||
        (st = strict_uint(s, &i, entry, len)) != ACEPACK_OK)
        return st;
    if (i >= end || d[i] != '}') {
        if (i < end && d[i] == ',')
            return fail_at(s, "R-IDX-4", entry, "entry has members besides offset and length");
        return strict_punct(s, i, "expected '}'");
    }
    *pi = i + 1;
    return ACEPACK_OK;
}
