/*
 * v1.c - reading the event log of a version 1 file for migration (spec 6.1,
 * 10): log keys (M-3), well-formed entries (M-4) and meta/log_entry_seq
 * (M-6).  No allocation: member names are compared by decoding on the fly.
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

acepack_status acepack_v1_log_key(const void *key, size_t len, uint64_t *id)
{
    const uint8_t *dp;
    size_t dn = 0, i;
    uint64_t v = 0;
    if (key == NULL || id == NULL)
        return ACEPACK_ARG;
    dp = log_digits((const uint8_t *)key, len, &dn);
    if (dp == NULL)
        return ACEPACK_NOT_FOUND;
    for (i = 0; i < dn; i++) {
        unsigned dgt = (unsigned)(dp[i] - '0');
        if (v > (UINT64_MAX - dgt) / 10u) {
            *id = UINT64_MAX;
            return ACEPACK_UNSUPPORTED;
        }
        v = v * 10u + dgt;
    }
    *id = v;
    return ACEPACK_OK;
}

enum { F_ID, F_TS, F_KIND, F_SOURCE, F_FLAGS, F_COUNT };
static const char FIELD_NAMES[F_COUNT][16] = {"id", "ts", "kind", "content_source", "flags"};

typedef struct member {
    unsigned count;
    size_t name; /* offset of the (last) member name */
    size_t vs, ve; /* value token */
} member;

static acepack_status malformed(acepack_error *err, uint64_t at, const char *msg)
{
    return ap_fail(err, ACEPACK_INVALID, "M-4", at, msg);
}

static int is_number(const uint8_t *d, const member *m)
{
    return d[m->vs] == '-' || ap_is_digit(d[m->vs]);
}

acepack_status acepack_v1_log_entry(const void *key, size_t key_len, const void *value,
                                    size_t value_len, acepack_v1_entry *out, acepack_error *err)
{
    const uint8_t *d = (const uint8_t *)value, *dp;
    size_t dn = 0, i, end = value_len; /* dn: set by log_digits; 0 keeps gcc -O3 quiet */
    member m[F_COUNT];
    uint64_t v;
    unsigned f;

    if (key == NULL || out == NULL || (value == NULL && value_len > 0))
        return ap_fail(err, ACEPACK_ARG, NULL, 0, "invalid argument");
    /* An id beyond 2^64-1 is kept as UINT64_MAX: such a file cannot be
     * migrated anyway (M-8), which UINT64_MAX also makes the migrator see. */
    if (acepack_v1_log_key(key, key_len, &out->id) == ACEPACK_NOT_FOUND)
        return ACEPACK_NOT_FOUND;
    dp = log_digits((const uint8_t *)key, key_len, &dn);

    /* M-4 (1): R-PAY-1..3 */
    {
        acepack_error e;
        if (acepack_json_check(d, value_len, &e) != ACEPACK_OK)
            return malformed(err, e.offset, e.message);
    }

    /* Walk the top-level members (the text is valid, so only tokens are found). */
    memset(m, 0, sizeof m);
    i = ap_skip_ws(d, 0, end) + 1; /* after '{' */
    for (;;) {
        size_t nb, ne;
        int esc;
        i = ap_skip_ws(d, i, end);
        if (i >= end || d[i] == '}')
            break;
        if (d[i] == ',') {
            i++;
            continue;
        }
        nb = i + 1;
        ne = ap_json_string_end_valid(d, nb, end, &esc);
        i = ap_skip_ws(d, ne, end) + 1; /* ':' */
        i = ap_skip_ws(d, i, end);
        for (f = 0; f < F_COUNT; f++) {
            if (ap_str_equals(d + nb, ne - 1 - nb, esc, (const uint8_t *)FIELD_NAMES[f],
                              strlen(FIELD_NAMES[f]))) {
                if (++m[f].count <= 2)
                    m[f].name = nb - 1; /* the second occurrence is reported */
                if (m[f].count == 1)
                    m[f].vs = i;
                break;
            }
        }
        i = ap_json_skip_valid(d, i, end);
        if (f < F_COUNT && m[f].count == 1)
            m[f].ve = i;
    }

    /* M-4 (2): exactly one id, ts, kind, content_source; at most one flags. */
    for (f = 0; f < F_COUNT; f++) {
        if (m[f].count > 1)
            return malformed(err, m[f].name, "log entry repeats a member");
        if (m[f].count == 0 && f != F_FLAGS)
            return malformed(err, 0, "log entry lacks id, ts, kind or content_source");
    }

    /* M-4 (3): exact values. */
    if (!is_number(d, &m[F_ID]) ||
        !ap_number_equals_digits(d + m[F_ID].vs, m[F_ID].ve - m[F_ID].vs, dp, dn))
        return malformed(err, m[F_ID].vs, "log entry id differs from its key");
    if (!is_number(d, &m[F_TS]) ||
        !ap_number_exact_uint(d + m[F_TS].vs, m[F_TS].ve - m[F_TS].vs, AP_MAX_SAFE_INT, &out->ts))
        return malformed(err, m[F_TS].vs, "log entry ts is not an integer in [0, 2^53-1]");
    if (!is_number(d, &m[F_KIND]) ||
        !ap_number_exact_uint(d + m[F_KIND].vs, m[F_KIND].ve - m[F_KIND].vs, 255, &v))
        return malformed(err, m[F_KIND].vs, "log entry kind is not an integer in [0, 255]");
    out->kind = (uint8_t)v;
    if (!is_number(d, &m[F_SOURCE]) ||
        !ap_number_exact_uint(d + m[F_SOURCE].vs, m[F_SOURCE].ve - m[F_SOURCE].vs, 255, &v))
        return malformed(err, m[F_SOURCE].vs,
                         "log entry content_source is not an integer in [0, 255]");
    out->source = (uint8_t)v;
    out->flags = 0;
    out->has_flags = 0;
    if (m[F_FLAGS].count == 1 && d[m[F_FLAGS].vs] != 'n') { /* absent or null: 0 */
        if (!is_number(d, &m[F_FLAGS]) ||
            !ap_number_exact_uint(d + m[F_FLAGS].vs, m[F_FLAGS].ve - m[F_FLAGS].vs, 255, &v))
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
