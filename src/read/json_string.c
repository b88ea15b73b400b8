/*
 * json_string.c - scanning JSON strings (RFC 8259 section 7).
 *
 * ap_json_string() validates; ap_json_string_end_valid() only finds the end
 * of a string already validated by acepack_open().  Both skip 8 plain bytes
 * per step: a string body is mostly bytes that are not '"', '\\', a control
 * or a UTF-8 lead byte.
 */
#include "internal.h"

/* Reads the 4 hex digits at d[i..i+3]; returns the code unit or -1 with *bad
 * at the first byte that is not a hex digit (or end). */
static long hex4(const uint8_t *d, size_t i, size_t end, size_t *bad)
{
    /* unsigned: 4 digits < 16 give v < 0x10000, and the type says it cannot
     * overflow to an analyser that widens the loop (tools/prove.sh) */
    unsigned v = 0;
    size_t k;
    for (k = 0; k < 4; k++) {
        int h;
        if (i + k >= end) {
            *bad = end;
            return -1;
        }
        h = ap_hex_value(d[i + k]);
        if (h < 0) {
            *bad = i + k;
            return -1;
        }
        v = v * 16u + (unsigned)h;
    }
    return (long)v;
}

/* Nonzero when the word holds a byte that ends the plain run of a string. */
static inline uint64_t string_stop(uint64_t w)
{
    return ap_has_less(w, 0x20) | ap_has_byte(w, '"') | ap_has_byte(w, '\\') | (w & AP_HIGHS);
}

ap_json_fault ap_json_string(const uint8_t *d, size_t i, size_t end, int no_lone_surrogates,
                             size_t *out, int *has_escapes)
{
    int esc = 0;
    for (;;) {
        uint8_t c = 0;
        /* plain bytes: 8 at a time, then jump to the first byte that stops */
        while (end - i >= 8) {
            uint64_t m = string_stop(ap_load64(d + i));
            if (m != 0) {
                i += ap_clean_prefix(m);
                break;
            }
            i += 8;
        }
        while (i < end && (c = d[i]) >= 0x20 && c < 0x80 && c != '"' && c != '\\')
            i++;
        if (i >= end) {
            *out = end;
            return AP_JSON_SYNTAX; /* unterminated string */
        }
        if (c == '"') {
            *out = i + 1;
            *has_escapes = esc;
            return AP_JSON_OK;
        }
        if (c < 0x20) {
            *out = i; /* raw control characters must be escaped */
            return AP_JSON_SYNTAX;
        }
        if (c >= 0x80) {
            size_t k = ap_utf8_seq(d + i, end - i);
            if (k == 0) {
                *out = i;
                return AP_JSON_UTF8;
            }
            i += k;
            continue;
        }
        /* An escape at d[i]. */
        esc = 1;
        if (i + 1 >= end) {
            *out = end;
            return AP_JSON_SYNTAX;
        }
        switch (d[i + 1]) {
        case '"':
        case '\\':
        case '/':
        case 'b':
        case 'f':
        case 'n':
        case 'r':
        case 't':
            i += 2;
            break;
        case 'u': {
            size_t bad = end; /* hex4 sets it whenever it is read */
            long u = hex4(d, i + 2, end, &bad);
            if (u < 0) {
                *out = bad;
                return AP_JSON_SYNTAX;
            }
            if (no_lone_surrogates && u >= 0xD800 && u <= 0xDFFF) {
                /* R-IDX-11: only a high surrogate directly followed by a low
                 * surrogate escape is a code point. */
                long lo = -1;
                if (u <= 0xDBFF && i + 7 < end && d[i + 6] == '\\' && d[i + 7] == 'u')
                    lo = hex4(d, i + 8, end, &bad);
                if (lo < 0xDC00 || lo > 0xDFFF) {
                    *out = i;
                    return AP_JSON_SURROGATE;
                }
                i += 12;
            } else {
                i += 6;
            }
            break;
        }
        default:
            *out = i + 1;
            return AP_JSON_SYNTAX;
        }
    }
}

size_t ap_json_string_end_valid(const uint8_t *d, size_t i, size_t end, int *has_escapes)
{
    int esc = 0;
    while (i < end) {
        while (end - i >= 8) {
            uint64_t w = ap_load64(d + i);
            uint64_t m = ap_has_byte(w, '"') | ap_has_byte(w, '\\');
            if (m != 0) {
                i += ap_clean_prefix(m);
                break;
            }
            i += 8;
        }
        while (i < end && d[i] != '"' && d[i] != '\\')
            i++;
        if (i >= end)
            break;
        if (d[i] == '"') {
            *has_escapes = esc;
            return i + 1;
        }
        esc = 1;
        i += 2; /* the escaped byte is never the closing quote */
    }
    *has_escapes = esc;
    return end;
}
