/*
 * number.c - JSON numbers and their exact decimal values (R-IDX-10, M-4).
 *
 * A number token is -? INT (. FRAC)? ([eE] [+-]? EXP)?.  Its exact value is
 * the decimal it writes; no floating point is involved, so "1.28e2" is 128
 * and "1e400" is a huge integer, whatever a double would make of them.  The
 * digit strings may be arbitrarily long: only positions and at most 16
 * significant digits are kept, and the exponent saturates.
 */
#include "internal.h"

ap_json_fault ap_json_number(const uint8_t *d, size_t i, size_t end, size_t *out)
{
    if (i < end && d[i] == '-')
        i++;
    if (i >= end || !ap_is_digit(d[i]))
        goto bad;
    if (d[i] == '0') {
        i++;
    } else {
        while (i < end && ap_is_digit(d[i]))
            i++;
    }
    if (i < end && d[i] == '.') {
        i++;
        if (i >= end || !ap_is_digit(d[i]))
            goto bad;
        while (i < end && ap_is_digit(d[i]))
            i++;
    }
    if (i < end && (d[i] == 'e' || d[i] == 'E')) {
        i++;
        if (i < end && (d[i] == '+' || d[i] == '-'))
            i++;
        if (i >= end || !ap_is_digit(d[i]))
            goto bad;
        while (i < end && ap_is_digit(d[i]))
            i++;
    }
    *out = i;
    return AP_JSON_OK;
bad:
    *out = i < end ? i : end;
    return AP_JSON_SYNTAX;
}

/* The digits of a number as one sequence (integer part then fraction). */
typedef struct decnum {
    int negative;
    const uint8_t *ip, *fp; /* integer and fraction digits */
    int64_t in, fn;         /* their counts */
    int64_t exp;            /* exponent, saturated to +-2^60 */
    int64_t first, last;    /* positions of the first/last nonzero digit; -1: all zero */
} decnum;

#define EXP_SAT ((int64_t)1 << 60)

static uint8_t digit_at(const decnum *n, int64_t k)
{
    return k < n->in ? n->ip[k] : n->fp[k - n->in];
}

/* Splits a valid number token.  Every read is under `i < len` and the
 * counts are index differences, so that both a reader and a non-relational
 * analyser (tools/prove) see them bounded by len without relying on the
 * token being valid. */
static void decompose(const uint8_t *p, size_t len, decnum *n)
{
    size_t i = 0, start;
    int64_t k, total;
    n->negative = 0;
    n->fn = 0;
    n->fp = p;
    n->exp = 0;
    if (i < len && p[i] == '-') {
        n->negative = 1;
        i++;
    }
    n->ip = p + i;
    start = i;
    while (i < len && ap_is_digit(p[i]))
        i++;
    n->in = (int64_t)(i - start);
    if (i < len && p[i] == '.') {
        i++;
        n->fp = p + i;
        start = i;
        while (i < len && ap_is_digit(p[i]))
            i++;
        n->fn = (int64_t)(i - start);
    }
    if (i < len && (p[i] == 'e' || p[i] == 'E')) {
        int eneg = 0;
        int64_t e = 0;
        i++;
        if (i < len && (p[i] == '+' || p[i] == '-'))
            eneg = p[i++] == '-';
        for (; i < len && ap_is_digit(p[i]); i++) {
            if (e < EXP_SAT / 10)
                e = e * 10 + (p[i] - '0');
            else
                e = EXP_SAT;
        }
        n->exp = eneg ? -e : e;
    }
    total = n->in + n->fn;
    n->first = -1;
    n->last = -1;
    for (k = 0; k < total; k++) {
        if (digit_at(n, k) != '0') {
            if (n->first < 0)
                n->first = k;
            n->last = k;
        }
    }
}

int ap_number_exact_uint(const uint8_t *p, size_t len, uint64_t max, uint64_t *value)
{
    decnum n;
    int64_t k, scale, top;
    uint64_t v = 0;
    decompose(p, len, &n);
    if (n.first < 0) { /* every digit zero: the value is 0, whatever sign or exponent */
        *value = 0;
        return 1;
    }
    if (n.negative)
        return 0;
    scale = n.in - 1 - n.last + n.exp; /* power of ten of the last nonzero digit */
    top = n.in - 1 - n.first + n.exp;  /* power of ten of the first nonzero digit */
    if (scale < 0 || top > 15)         /* a fraction, or at least 10^16 > 2^53-1 */
        return 0;
    for (k = n.first; k <= n.last; k++)
        v = v * 10u + (uint64_t)(digit_at(&n, k) - '0');
    for (k = 0; k < scale; k++)
        v *= 10u;
    if (v > max)
        return 0;
    *value = v;
    return 1;
}

int ap_number_equals_digits(const uint8_t *p, size_t len, const uint8_t *dp, size_t dn)
{
    decnum n;
    int64_t k, scale, sig;
    decompose(p, len, &n);
    if (n.first < 0 || n.negative || dn == 0 || dp[0] == '0')
        return 0;
    scale = n.in - 1 - n.last + n.exp;
    if (scale < 0)
        return 0;
    sig = n.last - n.first + 1;
    /* The integer is the significant digits followed by `scale` zeros. */
    if (scale > (int64_t)AP_MAX_SAFE_INT || (uint64_t)(sig + scale) != (uint64_t)dn)
        return 0;
    for (k = 0; k < sig; k++)
        if (digit_at(&n, n.first + k) != dp[k])
            return 0;
    for (k = sig; k < (int64_t)dn; k++)
        if (dp[k] != '0')
            return 0;
    return 1;
}
