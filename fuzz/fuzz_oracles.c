/*
 * fuzz_oracles.c - see fuzz_oracles.h.  Written from spec/ACEPACK.md only.
 */
#include "fuzz_oracles.h"

#include <string.h>

size_t fuzz_ref_utf8_check(const uint8_t *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t b = p[i];
        size_t len;
        uint32_t cp;
        if (b < 0x80) {
            i++;
            continue;
        } else if (b >= 0xC2 && b <= 0xDF) {
            len = 2;
            cp = b & 0x1Fu;
        } else if (b >= 0xE0 && b <= 0xEF) {
            len = 3;
            cp = b & 0x0Fu;
        } else if (b >= 0xF0 && b <= 0xF4) {
            len = 4;
            cp = b & 0x07u;
        } else {
            return i; /* continuation byte, C0/C1 (always overlong), F5..FF */
        }
        if (n - i < len)
            return i;
        for (size_t k = 1; k < len; k++) {
            if ((p[i + k] & 0xC0u) != 0x80u)
                return i;
            cp = (cp << 6) | (p[i + k] & 0x3Fu);
        }
        if (len == 3 && (cp < 0x800u || (cp >= 0xD800u && cp <= 0xDFFFu)))
            return i;
        if (len == 4 && (cp < 0x10000u || cp > 0x10FFFFu))
            return i;
        i += len;
    }
    return n;
}

/* Not ap_hex_value (src/common/bytes.h): the oracle shares no code with the
 * reader it checks, so that a bug there cannot hide in both. */
static int hex_value(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Reads "XXXX" at p (4 bytes available).  -1 when not hex. */
static long hex4(const uint8_t *p)
{
    long v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hex_value(p[i]);
        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    return v;
}

static void put_utf8(fuzz_buf *out, uint32_t cp)
{
    uint8_t b[4];
    size_t n;
    if (cp < 0x80u) {
        b[0] = (uint8_t)cp;
        n = 1;
    } else if (cp < 0x800u) {
        b[0] = (uint8_t)(0xC0u | (cp >> 6));
        b[1] = (uint8_t)(0x80u | (cp & 0x3Fu));
        n = 2;
    } else if (cp < 0x10000u) {
        b[0] = (uint8_t)(0xE0u | (cp >> 12));
        b[1] = (uint8_t)(0x80u | ((cp >> 6) & 0x3Fu));
        b[2] = (uint8_t)(0x80u | (cp & 0x3Fu));
        n = 3;
    } else {
        b[0] = (uint8_t)(0xF0u | (cp >> 18));
        b[1] = (uint8_t)(0x80u | ((cp >> 12) & 0x3Fu));
        b[2] = (uint8_t)(0x80u | ((cp >> 6) & 0x3Fu));
        b[3] = (uint8_t)(0x80u | (cp & 0x3Fu));
        n = 4;
    }
    fuzz_buf_append(out, b, n);
}

int fuzz_ref_json_unescape(const uint8_t *raw, size_t n, fuzz_buf *out)
{
    if (fuzz_ref_utf8_check(raw, n) != n)
        return -1;
    size_t i = 0;
    while (i < n) {
        uint8_t c = raw[i];
        if (c < 0x20 || c == '"')
            return -1;
        if (c != '\\') {
            fuzz_buf_append(out, &c, 1);
            i++;
            continue;
        }
        if (n - i < 2)
            return -1;
        uint8_t e = raw[i + 1];
        uint8_t d;
        switch (e) {
        case '"':
            d = '"';
            break;
        case '\\':
            d = '\\';
            break;
        case '/':
            d = '/';
            break;
        case 'b':
            d = 0x08;
            break;
        case 'f':
            d = 0x0C;
            break;
        case 'n':
            d = 0x0A;
            break;
        case 'r':
            d = 0x0D;
            break;
        case 't':
            d = 0x09;
            break;
        case 'u': {
            if (n - i < 6)
                return -1;
            long u = hex4(raw + i + 2);
            if (u < 0)
                return -1;
            i += 6;
            if (u >= 0xDC00 && u <= 0xDFFF)
                return -1; /* lone low surrogate */
            if (u >= 0xD800 && u <= 0xDBFF) {
                if (n - i < 6 || raw[i] != '\\' || raw[i + 1] != 'u')
                    return -1;
                long lo = hex4(raw + i + 2);
                if (lo < 0xDC00 || lo > 0xDFFF)
                    return -1;
                i += 6;
                put_utf8(out, (uint32_t)(((u - 0xD800) << 10 | (lo - 0xDC00)) + 0x10000));
            } else {
                put_utf8(out, (uint32_t)u);
            }
            continue;
        }
        default:
            return -1;
        }
        fuzz_buf_append(out, &d, 1);
        i += 2;
    }
    return 0;
}

void fuzz_ref_json_escape(const uint8_t *s, size_t n, fuzz_buf *out)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        uint8_t c = s[i];
        const char *short_form = NULL;
        switch (c) {
        case '"':
            short_form = "\\\"";
            break;
        case '\\':
            short_form = "\\\\";
            break;
        case 0x08:
            short_form = "\\b";
            break;
        case 0x0C:
            short_form = "\\f";
            break;
        case 0x0A:
            short_form = "\\n";
            break;
        case 0x0D:
            short_form = "\\r";
            break;
        case 0x09:
            short_form = "\\t";
            break;
        default:
            break;
        }
        if (short_form) {
            fuzz_buf_append(out, short_form, 2);
        } else if (c < 0x20) {
            char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            fuzz_buf_append(out, u, 6);
        } else {
            fuzz_buf_append(out, &c, 1);
        }
    }
}

int fuzz_ref_bytes_compare(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
    size_t m = an < bn ? an : bn;
    for (size_t i = 0; i < m; i++)
        if (a[i] != b[i])
            return a[i] < b[i] ? -1 : 1;
    if (an == bn)
        return 0;
    return an < bn ? -1 : 1;
}

int fuzz_ref_parse_uint53(const uint8_t *p, size_t n, uint64_t *v)
{
    if (n == 0 || n > 16)
        return 0;
    if (p[0] == '0' && n > 1)
        return 0;
    uint64_t x = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return 0;
        x = x * 10u + (uint64_t)(p[i] - '0'); /* 16 digits cannot overflow */
    }
    if (x > FUZZ_MAX53)
        return 0;
    *v = x;
    return 1;
}

int fuzz_ref_v1_log_key(const uint8_t *key, size_t n, uint64_t *id)
{
    static const char prefix[] = "core/log/";
    const size_t plen = sizeof prefix - 1;
    if (n < plen || memcmp(key, prefix, plen) != 0)
        return 0;
    const uint8_t *d = key + plen;
    size_t dn = n - plen;
    if (dn < 12)
        return 0; /* padded to 12 digits */
    uint64_t x = 0;
    int overflow = 0;
    for (size_t i = 0; i < dn; i++) {
        if (d[i] < '0' || d[i] > '9')
            return 0;
        unsigned digit = (unsigned)(d[i] - '0');
        if (x > (UINT64_MAX - digit) / 10u)
            overflow = 1;
        else
            x = x * 10u + digit;
    }
    if (dn > 12 && d[0] == '0')
        return 0; /* more than 12 digits: no padding */
    if (!overflow && x == 0)
        return 0; /* 1 <= id */
    /* 12 digits with leading zeros is exactly String(id).padStart(12,"0"). */
    *id = overflow ? UINT64_MAX : x;
    return overflow ? 2 : 1;
}
