/*
 * json_escape.h - how a byte is written inside an ACEPACK JSON string: the
 * one escaping of spec 4.1 `string`, shared by the dump (D-5) and the
 * writer's index and dump (W-CAN-4), so that the two cannot drift apart.
 */
#ifndef ACEPACK_COMMON_JSON_ESCAPE_H
#define ACEPACK_COMMON_JSON_ESCAPE_H

#include <stddef.h>
#include <stdint.h>

/* The longest escape: \u00XX. */
#define AP_JSON_ESCAPE_MAX 6

/* @return 0 if c is written as itself; otherwise the length (2 or 6) of its
 * escape, written to e: the short forms \" \\ \b \f \n \r \t, and \u00 with
 * two lowercase hex digits for the other controls.  '/' and DEL are
 * themselves. */
static inline size_t ap_json_escape(uint8_t c, char e[AP_JSON_ESCAPE_MAX])
{
    static const char hex[] = "0123456789abcdef";
    if (c >= 0x20 && c != '"' && c != '\\')
        return 0;
    e[0] = '\\';
    switch (c) {
    case '"':
        e[1] = '"';
        return 2;
    case '\\':
        e[1] = '\\';
        return 2;
    case 0x08:
        e[1] = 'b';
        return 2;
    case 0x0C:
        e[1] = 'f';
        return 2;
    case 0x0A:
        e[1] = 'n';
        return 2;
    case 0x0D:
        e[1] = 'r';
        return 2;
    case 0x09:
        e[1] = 't';
        return 2;
    default:
        e[1] = 'u';
        e[2] = '0';
        e[3] = '0';
        e[4] = hex[c >> 4];
        e[5] = hex[c & 15u];
        return 6;
    }
}

/* The bytes c takes inside a JSON string: 1, 2 or 6. */
static inline size_t ap_json_escaped_len(uint8_t c)
{
    char e[AP_JSON_ESCAPE_MAX];
    size_t k = ap_json_escape(c, e);
    return k ? k : 1;
}

#endif
