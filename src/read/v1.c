/*
 * v1.c - reading the event log of a version 1 file for migration (spec 6.1,
 * 10): log keys (M-3), well-formed entries (M-4) and meta/log_entry_seq
 * (M-6).  No allocation.
 *
 * An entry is classified in one walk of its text, which checks it as a
 * JSON object text (R-PAY-1..3, with the validator's own primitives for
 * every string and nested value) while it picks up the members M-4 needs.
 * The shape 0.1.0 writes takes the short paths: its member names are
 * recognised whole, and its numbers, plain digit runs, are read in passing;
 * anything else takes the general ones (names decoded on the fly, exact
 * decimal values).  A text that fails the walk is handed to
 * acepack_json_check, so that faults are reported exactly as it reports
 * them.
 */
#include "internal.h"

#define LOG_PREFIX "core/log/"
#define LOG_PREFIX_LEN 9u

/* The id digits of a log key, without the zero padding; NULL if no log key. */
static const uint8_t *log_digits(const uint8_t *k, size_t len, size_t *dn)
{
    size_t i, n;
    if (len < LOG_PREFIX_LEN + 12u || memcmp(k, LOG_PREFIX, LOG_PREFIX_LEN) != 0)
        return NULL;
    k += LOG_PREFIX_LEN;
    n = len - LOG_PREFIX_LEN;
    for (i = 0; i < n; i++)
        if (!ap_is_digit(k[i]))
            return NULL;
    /* M-3: exactly 12 digits (zero padded) or, from 10^12 on, no padding. */
    if (n > 12u && k[0] == '0')
        return NULL;
    while (n > 0 && k[0] == '0') {
        k++;
        n--;
    }
    if (n == 0) /* id 0 is not an id */
        return NULL;
    *dn = n;
    return k;
}

/* Sets *id to the id written by the digits [dp, dp+dn) and returns 1, or
 * to UINT64_MAX and returns 0 when it exceeds 2^64-1. */
static int digits_value(const uint8_t *dp, size_t dn, uint64_t *id)
{
    size_t i;
    uint64_t v = 0;
    if (dn <= 19) { /* < 10^19 < 2^64: no overflow to check */
        for (i = 0; i < dn; i++)
            v = v * 10u + (uint64_t)(dp[i] - '0');
        *id = v;
        return 1;
    }
    for (i = 0; i < dn; i++) {
        unsigned dgt = (unsigned)(dp[i] - '0');
        if (v > (UINT64_MAX - dgt) / 10u) {
            *id = UINT64_MAX;
            return 0;
        }
        v = v * 10u + dgt;
    }
    *id = v;
    return 1;
}

acepack_status acepack_v1_log_key(const void *key, size_t len, uint64_t *id)
{
    const uint8_t *dp;
    size_t dn = 0;
    if (key == NULL || id == NULL)
        return ACEPACK_ARG;
    dp = log_digits((const uint8_t *)key, len, &dn);
    if (dp == NULL)
        return ACEPACK_NOT_FOUND;
    return digits_value(dp, dn, id) ? ACEPACK_OK : ACEPACK_UNSUPPORTED;
}

enum { F_ID, F_TS, F_KIND, F_SOURCE, F_FLAGS, F_COUNT, F_OTHER = F_COUNT };
static const char FIELD_NAMES[F_COUNT][16] = {"id", "ts", "kind", "content_source", "flags"};

typedef struct member {
    unsigned count;
    size_t name;   /* offset of the (last) member name */
    size_t vs, ve; /* value token of the first occurrence */
    int plain;     /* 1: the token is a JSON integer of digits only */
    uint64_t uint; /* then its value, UINT64_MAX beyond 16 digits */
} member;

static acepack_status malformed(acepack_error *err, uint64_t at, const char *msg)
{
    return ap_fail(err, ACEPACK_INVALID, "M-4", at, msg);
}

/* Which field of M-4 the member name body [p, p+n) names (a name with
 * escapes is compared after decoding, so "\u0069d" is "id").  Only names
 * known_name() did not recognise get here: rare, so a loop suffices. */
static unsigned field_of(const uint8_t *p, size_t n, int esc)
{
    unsigned f;
    for (f = 0; f < F_COUNT; f++)
        if (ap_str_equals(p, n, esc, (const uint8_t *)FIELD_NAMES[f], strlen(FIELD_NAMES[f])))
            return f;
    return F_OTHER;
}

/* The names 0.1.0 writes (spec 6.1), recognised with their closing quote
 * by one comparison after a test of the first byte, without a scan: such a
 * name is plain ASCII, so it needs no further check.  Returns the bytes it
 * takes up to and including the quote, 0 for any other name. */
static size_t known_name(const uint8_t *p, size_t avail, unsigned *f)
{
#define AP_NAME(lit, field)                                                   \
    do {                                                                      \
        if (avail >= sizeof lit - 1 && memcmp(p, lit, sizeof lit - 1) == 0) { \
            *f = (field);                                                     \
            return sizeof lit - 1;                                            \
        }                                                                     \
    } while (0)
    if (avail == 0)
        return 0;
    if (p[0] == 'k') {
        AP_NAME("kind\"", F_KIND);
        AP_NAME("key\"", F_OTHER);
    } else if (p[0] == 'c') {
        AP_NAME("content_source\"", F_SOURCE);
    } else if (p[0] == 'p') {
        AP_NAME("payload\"", F_OTHER);
        AP_NAME("parent_id\"", F_OTHER);
    } else if (p[0] == 'i') {
        AP_NAME("id\"", F_ID);
    } else if (p[0] == 't') {
        AP_NAME("ts\"", F_TS);
    } else if (p[0] == 'f') {
        AP_NAME("flags\"", F_FLAGS);
    }
    return 0;
#undef AP_NAME
}

/* The member name whose body starts at d[i]: *ne past its closing quote,
 * *f the field it names.  A name known_name() does not know is scanned
 * (short plain names here; from the first byte that needs a look, escape,
 * non-ASCII, control or end, by ap_json_string). */
static int scan_name(const uint8_t *d, size_t i, size_t end, size_t *ne, unsigned *f)
{
    size_t nb = i, k = known_name(d + i, end - i, f);
    uint8_t c;
    int esc = 0;
    if (k != 0) {
        *ne = i + k;
        return 1;
    }
    while (i < end && (c = d[i]) >= 0x20 && c < 0x80 && c != '"' && c != '\\')
        i++;
    if (i < end && d[i] == '"')
        *ne = i + 1;
    else if (ap_json_string(d, i, end, 0, ne, &esc) != AP_JSON_OK)
        return 0;
    *f = field_of(d + nb, *ne - 1 - nb, esc);
    return 1;
}

/* The member value at d[m->vs] (nested in the top-level object: depth 1
 * for R-PAY-3); m->ve past it.  An integer of digits only, the way 0.1.0
 * writes every number, is read here with its value; a token that goes on
 * with a fraction or exponent, or that ap_json_value must judge (a leading
 * zero, a sign, any other value), goes to ap_json_value. */
static int scan_value(const uint8_t *d, size_t end, member *m)
{
    size_t i = m->vs, j = i;
    uint64_t v = 0;
    while (j < end && ap_is_digit(d[j])) /* v wraps past 19 digits: unused then */
        v = v * 10u + (uint64_t)(d[j++] - '0');
    if (j > i && (d[i] != '0' || j == i + 1) &&
        (j >= end || (d[j] != '.' && d[j] != 'e' && d[j] != 'E'))) {
        m->ve = j;
        m->plain = 1;
        /* no leading zero: more than 16 digits is at least 10^16 > 2^53-1 */
        m->uint = j - i <= 16 ? v : UINT64_MAX;
        return 1;
    }
    m->plain = 0;
    return ap_json_value(d, i, end, 1, 0, &m->ve) == AP_JSON_OK;
}

/* One walk of the entry that both validates it as a JSON object text
 * (M-4 (1): the grammar of acepack_json_check, with the same primitives)
 * and records its top-level members of interest.  Returns 0 as soon as the
 * text is not a valid JSON object; the caller then asks acepack_json_check
 * for the rule and offset to report, so faults read exactly as before. */
static int walk_entry(const uint8_t *d, size_t end, member m[F_COUNT])
{
    size_t i = ap_skip_ws(d, 0, end);
    if (i >= end || d[i] != '{')
        return 0;
    i = ap_skip_ws(d, i + 1, end);
    if (i < end && d[i] == '}')
        return ap_skip_ws(d, i + 1, end) == end;
    for (;;) {
        member tmp, *x;
        size_t nb, ne;
        unsigned f;
        if (i >= end || d[i] != '"')
            return 0;
        nb = i + 1;
        if (!scan_name(d, nb, end, &ne, &f))
            return 0;
        i = ap_skip_ws(d, ne, end);
        if (i >= end || d[i] != ':')
            return 0;
        /* the first occurrence of a field keeps its value; the others only
         * count (M-4 (2)) */
        x = f != F_OTHER && m[f].count == 0 ? &m[f] : &tmp;
        x->vs = ap_skip_ws(d, i + 1, end);
        if (!scan_value(d, end, x))
            return 0;
        if (f != F_OTHER && ++m[f].count <= 2)
            m[f].name = nb - 1; /* the second occurrence is reported */
        i = ap_skip_ws(d, x->ve, end);
        if (i >= end)
            return 0;
        if (d[i] == '}')
            return ap_skip_ws(d, i + 1, end) == end;
        if (d[i] != ',')
            return 0;
        i = ap_skip_ws(d, i + 1, end);
    }
}

/* M-4 (3) for ts, kind, content_source and flags: the exact value of the
 * value of m is an integer in [0, max] (max <= 2^53-1). */
static int field_uint(const uint8_t *d, const member *m, uint64_t max, uint64_t *v)
{
    const uint8_t *p = d + m->vs;
    if (m->plain) {
        if (m->uint > max)
            return 0;
        *v = m->uint;
        return 1;
    }
    if (p[0] != '-' && !ap_is_digit(p[0]))
        return 0; /* not a number */
    return ap_number_exact_uint(p, m->ve - m->vs, max, v);
}

/* M-4 (3) for id: the exact value equals the key's id, written by the
 * digits [dp, dp+dn) (no leading zero). */
static int field_is_id(const uint8_t *d, const member *m, const uint8_t *dp, size_t dn)
{
    const uint8_t *p = d + m->vs;
    size_t n = m->ve - m->vs;
    if (m->plain)
        return n == dn && memcmp(p, dp, n) == 0;
    if (p[0] != '-' && !ap_is_digit(p[0]))
        return 0;
    return ap_number_equals_digits(p, n, dp, dn);
}

acepack_status acepack_v1_log_entry(const void *key, size_t key_len, const void *value,
                                    size_t value_len, acepack_v1_entry *out, acepack_error *err)
{
    const uint8_t *d = (const uint8_t *)value, *dp;
    size_t dn = 0; /* set by log_digits; 0 keeps gcc -O3 quiet */
    member m[F_COUNT];
    uint64_t v;
    unsigned f;

    if (key == NULL || out == NULL || (value == NULL && value_len > 0))
        return ap_fail(err, ACEPACK_ARG, NULL, 0, "invalid argument");
    dp = log_digits((const uint8_t *)key, key_len, &dn);
    if (dp == NULL)
        return ACEPACK_NOT_FOUND;
    /* An id beyond 2^64-1 is kept as UINT64_MAX: such a file cannot be
     * migrated anyway (M-8), which UINT64_MAX also makes the migrator see. */
    (void)digits_value(dp, dn, &out->id);

    /* M-4 (1) and the members, in one walk. */
    for (f = 0; f < F_COUNT; f++)
        m[f].count = 0;
    if (value_len == 0 || !walk_entry(d, value_len, m)) {
        acepack_error e;
        if (acepack_json_check(value_len ? value : "", value_len, &e) != ACEPACK_OK)
            return malformed(err, e.offset, e.message); /* R-PAY-1..3 */
        /* Not reached: the walk accepts exactly the texts the check
         * accepts.  Were they ever to differ, the entry stays malformed. */
        return malformed(err, 0, "log entry is not a JSON object");
    }

    /* M-4 (2): exactly one id, ts, kind, content_source; at most one flags. */
    for (f = 0; f < F_COUNT; f++) {
        if (m[f].count > 1)
            return malformed(err, m[f].name, "log entry repeats a member");
        if (m[f].count == 0 && f != F_FLAGS)
            return malformed(err, 0, "log entry lacks id, ts, kind or content_source");
    }

    /* M-4 (3): exact values. */
    if (!field_is_id(d, &m[F_ID], dp, dn))
        return malformed(err, m[F_ID].vs, "log entry id differs from its key");
    if (!field_uint(d, &m[F_TS], AP_MAX_SAFE_INT, &out->ts))
        return malformed(err, m[F_TS].vs, "log entry ts is not an integer in [0, 2^53-1]");
    if (!field_uint(d, &m[F_KIND], 255, &v))
        return malformed(err, m[F_KIND].vs, "log entry kind is not an integer in [0, 255]");
    out->kind = (uint8_t)v;
    if (!field_uint(d, &m[F_SOURCE], 255, &v))
        return malformed(err, m[F_SOURCE].vs,
                         "log entry content_source is not an integer in [0, 255]");
    out->source = (uint8_t)v;
    out->flags = 0;
    out->has_flags = 0;
    if (m[F_FLAGS].count == 1 && d[m[F_FLAGS].vs] != 'n') { /* absent or null: 0 */
        if (!field_uint(d, &m[F_FLAGS], 255, &v))
            return malformed(err, m[F_FLAGS].vs, "log entry flags is not null or in [0, 255]");
        out->flags = (uint8_t)v;
        out->has_flags = 1;
    }
    return ACEPACK_OK;
}

acepack_status acepack_v1_log_seq(const void *value, size_t len, uint64_t *seq)
{
    const uint8_t *d = (const uint8_t *)value;
    uint64_t v = 0;
    size_t i;
    if (seq == NULL || (d == NULL && len > 0))
        return ACEPACK_ARG;
    /* spec 4.1 uint: "0" / %x31-39 *DIGIT, at most 2^53-1, nothing else */
    if (len == 0 || len > 16 || (d[0] == '0' && len > 1))
        return ACEPACK_NOT_FOUND;
    for (i = 0; i < len; i++) {
        if (!ap_is_digit(d[i]))
            return ACEPACK_NOT_FOUND;
        v = v * 10u + (uint64_t)(d[i] - '0');
    }
    if (v > AP_MAX_SAFE_INT)
        return ACEPACK_NOT_FOUND;
    *seq = v;
    return ACEPACK_OK;
}
