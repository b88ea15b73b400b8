/* write_text.c - decimal numbers, JSON string lengths and the key orders. */
#include "../common/json_escape.h"
#include "write_internal.h"

unsigned aw_dec_len(uint64_t v)
{
    unsigned n = 1;
    while (v >= 10) {
        v /= 10;
        n++;
    }
    return n;
}

unsigned aw_dec_format(uint64_t v, char *out)
{
    char tmp[20];
    unsigned n = 0;
    do {
        tmp[n++] = (char)('0' + (int)(v % 10));
        v /= 10;
    } while (v);
    for (unsigned i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    return n;
}

uint64_t aw_json_string_len(const uint8_t *p, size_t n)
{
    uint64_t len = 2;
    for (size_t i = 0; i < n; i++)
        len += ap_json_escaped_len(p[i]);
    return len;
}

int aw_key_integer_like(const uint8_t *p, size_t n)
{
    /* W-CAN-1: "0", or 1-9 then digits, value <= 4294967294 (2^32-2). */
    if (n == 0 || n > 10)
        return 0;
    if (n > 1 && p[0] == '0')
        return 0;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return 0;
        v = v * 10u + (uint64_t)(p[i] - '0');
    }
    return v <= 4294967294ull;
}

int aw_bytes_cmp(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
    size_t m = an < bn ? an : bn;
    int c = m ? memcmp(a, b, m) : 0;
    if (c != 0)
        return c;
    return an < bn ? -1 : (an > bn ? 1 : 0);
}

int aw_key_canonical_cmp(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
    int ia = aw_key_integer_like(a, an);
    int ib = aw_key_integer_like(b, bn);
    if (ia && ib) {
        /* No leading zeros: a shorter number is smaller, equal lengths compare as bytes. */
        if (an != bn)
            return an < bn ? -1 : 1;
        return memcmp(a, b, an);
    }
    if (ia != ib)
        return ia ? -1 : 1;
    return aw_bytes_cmp(a, an, b, bn);
}
