/*
 * cmd_adapter_header.c - the JSON header of an `adapter serve` request:
 * {"op":"read","profile":"strict","file":"NAME"} plus any members a later
 * runner may add (skipped, whatever their value).  The input is hostile:
 * every index is checked against the length before use, nesting is capped,
 * and decoded strings must fit their fixed-size field.
 */
#include <string.h>

#include "../../src/common/bytes.h"
#include "serve.h"

#define MAX_DEPTH 32

typedef struct cursor {
    const uint8_t *p;
    size_t n, i;
} cursor;

static void skip_ws(cursor *c)
{
    while (c->i < c->n &&
           (c->p[c->i] == ' ' || c->p[c->i] == '\t' || c->p[c->i] == '\n' || c->p[c->i] == '\r'))
        c->i++;
}

static int take(cursor *c, uint8_t ch)
{
    skip_ws(c);
    if (c->i < c->n && c->p[c->i] == ch) {
        c->i++;
        return 1;
    }
    return 0;
}

static int hex4(cursor *c, uint32_t *out)
{
    if (c->n - c->i < 4)
        return 0;
    uint32_t v = 0;
    for (int k = 0; k < 4; k++) {
        int d = ap_hex_value(c->p[c->i++]);
        if (d < 0)
            return 0;
        v = v << 4 | (uint32_t)d;
    }
    *out = v;
    return 1;
}

/* Appends code point cp as UTF-8 to dst (NULL: only validate).  A NUL
 * cannot live in a C string and is refused. */
static int put_cp(char *dst, size_t cap, size_t *len, uint32_t cp)
{
    uint8_t b[4];
    size_t k;
    if (cp == 0)
        return 0;
    if (cp < 0x80) {
        b[0] = (uint8_t)cp;
        k = 1;
    } else if (cp < 0x800) {
        b[0] = (uint8_t)(0xC0 | cp >> 6);
        b[1] = (uint8_t)(0x80 | (cp & 0x3F));
        k = 2;
    } else if (cp < 0x10000) {
        b[0] = (uint8_t)(0xE0 | cp >> 12);
        b[1] = (uint8_t)(0x80 | (cp >> 6 & 0x3F));
        b[2] = (uint8_t)(0x80 | (cp & 0x3F));
        k = 3;
    } else {
        b[0] = (uint8_t)(0xF0 | cp >> 18);
        b[1] = (uint8_t)(0x80 | (cp >> 12 & 0x3F));
        b[2] = (uint8_t)(0x80 | (cp >> 6 & 0x3F));
        b[3] = (uint8_t)(0x80 | (cp & 0x3F));
        k = 4;
    }
    if (dst == NULL)
        return 1;
    if (cap - *len <= k) /* keep room for the terminating NUL */
        return 0;
    memcpy(dst + *len, b, k);
    *len += k;
    return 1;
}

/* A JSON string at the cursor, decoded into dst[cap] (NUL-terminated), or
 * only checked when dst is NULL. */
static int string(cursor *c, char *dst, size_t cap)
{
    size_t len = 0;
    if (!take(c, '"'))
        return 0;
    while (c->i < c->n) {
        uint8_t ch = c->p[c->i++];
        uint32_t cp = ch;
        if (ch == '"') {
            if (dst != NULL)
                dst[len] = '\0';
            return 1;
        }
        if (ch < 0x20)
            return 0;
        if (ch == '\\') {
            if (c->i >= c->n)
                return 0;
            uint8_t e = c->p[c->i++];
            static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
            const char *hit = e ? strchr(from, e) : NULL;
            if (hit != NULL) {
                cp = (uint8_t)to[hit - from];
            } else if (e == 'u') {
                if (!hex4(c, &cp))
                    return 0;
                if (cp >= 0xDC00 && cp <= 0xDFFF)
                    return 0; /* a lone low surrogate */
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    uint32_t lo;
                    if (c->n - c->i < 2 || c->p[c->i] != '\\' || c->p[c->i + 1] != 'u')
                        return 0;
                    c->i += 2;
                    if (!hex4(c, &lo) || lo < 0xDC00 || lo > 0xDFFF)
                        return 0;
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                }
            } else {
                return 0;
            }
            if (!put_cp(dst, cap, &len, cp))
                return 0;
            continue;
        }
        /* A raw byte, copied as is (names are the runner's UTF-8). */
        if (dst != NULL) {
            if (cap - len <= 1)
                return 0;
            dst[len++] = (char)ch;
        }
    }
    return 0; /* unterminated */
}

/* Any JSON value, skipped (numbers and literals loosely: the runner never
 * sends them in the members this server reads). */
static int skip_value(cursor *c, int depth)
{
    skip_ws(c);
    if (c->i >= c->n || depth > MAX_DEPTH)
        return 0;
    uint8_t ch = c->p[c->i];
    if (ch == '"')
        return string(c, NULL, 0);
    if (ch == '{' || ch == '[') {
        uint8_t close = ch == '{' ? '}' : ']';
        c->i++;
        if (take(c, close))
            return 1;
        do {
            if (ch == '{' && (!string(c, NULL, 0) || !take(c, ':')))
                return 0;
            if (!skip_value(c, depth + 1))
                return 0;
        } while (take(c, ','));
        return take(c, close);
    }
    size_t start = c->i;
    while (c->i < c->n && strchr("+-.0123456789eEaflnrstu", c->p[c->i]) != NULL && c->p[c->i] != 0)
        c->i++;
    return c->i > start;
}

int serve_parse_header(const uint8_t *p, size_t n, serve_header *h, const char **why)
{
    cursor c = {p, n, 0};
    memset(h, 0, sizeof *h);
    strcpy(h->profile, "strict");
    strcpy(h->file, "<stdin>");
    *why = "the header is not a JSON object";
    if (!take(&c, '{'))
        return 0;
    if (!take(&c, '}')) {
        do {
            char name[16];
            cursor save = c;
            if (!string(&c, name, sizeof name)) {
                c = save; /* a long name: some member we do not know */
                if (!string(&c, NULL, 0))
                    return 0;
                name[0] = '\0';
            }
            if (!take(&c, ':'))
                return 0;
            skip_ws(&c);
            char *field = strcmp(name, "op") == 0        ? h->op
                          : strcmp(name, "profile") == 0 ? h->profile
                          : strcmp(name, "file") == 0    ? h->file
                                                         : NULL;
            size_t cap = field == h->file ? sizeof h->file : sizeof h->op;
            if (field != NULL ? !string(&c, field, cap) : !skip_value(&c, 1)) {
                *why = field != NULL ? "`op`, `profile` and `file` must be short JSON strings"
                                     : "the header is not a JSON object";
                return 0;
            }
        } while (take(&c, ','));
        if (!take(&c, '}'))
            return 0;
    }
    skip_ws(&c);
    if (c.i != c.n) {
        *why = "bytes after the header object";
        return 0;
    }
    return 1;
}
