/*
 * utf8.c - UTF-8 validation (spec 1.2, RFC 3629 table 3-7 of Unicode).
 *
 * Hot loop: payloads and values are mostly ASCII, so 16 bytes are tested per
 * step with two 8-byte loads; only a word with a high bit set falls back to
 * the per-sequence check.
 */
#include "internal.h"

size_t ap_utf8_seq(const uint8_t *p, size_t avail)
{
    uint8_t c = p[0];
    if (c >= 0xC2 && c <= 0xDF) {
        if (avail >= 2 && (p[1] & 0xC0) == 0x80)
            return 2;
        return 0;
    }
    if (c >= 0xE0 && c <= 0xEF) {
        uint8_t lo = 0x80, hi = 0xBF;
        if (c == 0xE0)
            lo = 0xA0; /* overlong */
        else if (c == 0xED)
            hi = 0x9F; /* surrogates U+D800..U+DFFF */
        if (avail >= 3 && p[1] >= lo && p[1] <= hi && (p[2] & 0xC0) == 0x80)
            return 3;
        return 0;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        uint8_t lo = 0x80, hi = 0xBF;
        if (c == 0xF0)
            lo = 0x90; /* overlong */
        else if (c == 0xF4)
            hi = 0x8F; /* above U+10FFFF */
        if (avail >= 4 && p[1] >= lo && p[1] <= hi && (p[2] & 0xC0) == 0x80 &&
            (p[3] & 0xC0) == 0x80)
            return 4;
        return 0;
    }
    return 0; /* 80..C1 (continuation or overlong lead), F5..FF */
}

size_t acepack_utf8_check(const void *data, size_t n)
{
    const uint8_t *p = (const uint8_t *)data;
    size_t i = 0;
    if (n == 0)
        return 0;
    while (i < n) {
        while (n - i >= 16 && ((ap_load64(p + i) | ap_load64(p + i + 8)) & AP_HIGHS) == 0)
            i += 16;
        while (i < n && p[i] < 0x80)
            i++;
        if (i == n)
            break;
        {
            size_t k = ap_utf8_seq(p + i, n - i);
            if (k == 0)
                return i;
            i += k;
        }
    }
    return n;
}
