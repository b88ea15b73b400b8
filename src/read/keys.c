/*
 * keys.c - decoded keys without allocation: decoding, comparison, equality.
 *
 * A key is kept as the raw body of its JSON string (acepack_entry.key).  The
 * decoder yields the decoded bytes piece by piece: runs of unescaped bytes
 * straight from the file, and each escape as 1..4 UTF-8 bytes in a 4-byte
 * buffer.  A \uD800..\uDBFF escape followed by a \uDC00..\uDFFF escape is
 * one code point (R-IDX-11).  Keys of an opened index never hold an unpaired
 * surrogate; payload member names may (R-PAY-2), and are then encoded as the
 * 3-byte generalized UTF-8 form, which can equal no valid key.
 */
#include "internal.h"

static unsigned hexv(uint8_t c)
{
    if (c <= '9')
        return (unsigned)(c - '0');
    return (unsigned)((c | 0x20) - 'a' + 10);
}

static unsigned hex4v(const uint8_t *p)
{
    return (hexv(p[0]) << 12) | (hexv(p[1]) << 8) | (hexv(p[2]) << 4) | hexv(p[3]);
}

static size_t put_utf8(uint8_t *b, unsigned long cp)
{
    if (cp < 0x80) {
        b[0] = (uint8_t)cp;
        return 1;
    }
    if (cp < 0x800) {
        b[0] = (uint8_t)(0xC0 | (cp >> 6));
        b[1] = (uint8_t)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        b[0] = (uint8_t)(0xE0 | (cp >> 12));
        b[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (uint8_t)(0x80 | (cp & 0x3F));
        return 3;
    }
    b[0] = (uint8_t)(0xF0 | (cp >> 18));
    b[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
    b[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
    b[3] = (uint8_t)(0x80 | (cp & 0x3F));
    return 4;
}

/* The bytes from p to end (p <= end, one object), in unsigned arithmetic:
 * `end - p` is a ptrdiff_t, which overflows on a 32-bit target for a body
 * longer than 2 GiB (a file mapped past 2 GiB; the signed `end - p < 2`
 * then ended the decoding early).  Found by tools/prove on gcc_x86_32. */
static inline size_t rest(const uint8_t *p, const uint8_t *end)
{
    return (size_t)ap_offset_in(p, end);
}

size_t ap_strdec_next(ap_strdec *s, const uint8_t **piece)
{
    const uint8_t *p = s->p, *end = s->end;
    unsigned long cp;
    if (p >= end)
        return 0;
    if (*p != '\\') {
        const uint8_t *q = (const uint8_t *)memchr(p, '\\', rest(p, end));
        if (q == NULL)
            q = end;
        *piece = p;
        s->p = q;
        return rest(p, q);
    }
    *piece = s->buf;
    if (rest(p, end) < 2) { /* cannot happen for a valid body; stay in bounds */
        s->p = end;
        return 0;
    }
    switch (p[1]) {
    case 'b':
        cp = 0x08;
        break;
    case 'f':
        cp = 0x0C;
        break;
    case 'n':
        cp = 0x0A;
        break;
    case 'r':
        cp = 0x0D;
        break;
    case 't':
        cp = 0x09;
        break;
    case 'u':
        if (rest(p, end) < 6) {
            s->p = end;
            return 0;
        }
        cp = hex4v(p + 2);
        if (cp >= 0xD800 && cp <= 0xDBFF && rest(p, end) >= 12 && p[6] == '\\' && p[7] == 'u') {
            unsigned long lo = hex4v(p + 8);
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
                s->p = p + 12;
                return put_utf8(s->buf, 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00));
            }
        }
        s->p = p + 6;
        return put_utf8(s->buf, cp);
    default: /* '"', '\\', '/' stand for themselves */
        cp = p[1];
        break;
    }
    s->p = p + 2;
    s->buf[0] = (uint8_t)cp;
    return 1;
}

int ap_str_compare(const uint8_t *a, size_t an, int a_esc, const uint8_t *b, size_t bn, int b_esc)
{
    ap_strdec da, db;
    const uint8_t *pa = NULL, *pb = NULL;
    size_t la = 0, lb = 0;
    if (!a_esc && !b_esc) {
        int c = memcmp(a, b, an < bn ? an : bn);
        if (c != 0)
            return c;
        return an < bn ? -1 : an > bn;
    }
    ap_strdec_init(&da, a, an);
    ap_strdec_init(&db, b, bn);
    for (;;) {
        size_t n;
        int c;
        if (la == 0)
            la = ap_strdec_next(&da, &pa);
        if (lb == 0)
            lb = ap_strdec_next(&db, &pb);
        if (la == 0 || lb == 0)
            return la == 0 ? (lb == 0 ? 0 : -1) : 1;
        n = la < lb ? la : lb;
        c = memcmp(pa, pb, n);
        if (c != 0)
            return c;
        pa += n;
        pb += n;
        la -= n;
        lb -= n;
    }
}

int ap_str_equals(const uint8_t *raw, size_t n, int esc, const uint8_t *k, size_t kn)
{
    ap_strdec s;
    const uint8_t *piece = NULL; /* set with every nonzero length (tools/prove) */
    size_t len;
    if (!esc)
        return n == kn && (kn == 0 || memcmp(raw, k, kn) == 0);
    if (kn > n) /* an escape never decodes to more bytes than it is long */
        return 0;
    ap_strdec_init(&s, raw, n);
    while ((len = ap_strdec_next(&s, &piece)) != 0) {
        if (len > kn || memcmp(piece, k, len) != 0)
            return 0;
        k += len;
        kn -= len;
    }
    return kn == 0;
}

acepack_status acepack_key_decode(const acepack_entry *e, uint8_t *buf, size_t cap, size_t *needed)
{
    ap_strdec s;
    const uint8_t *piece = NULL; /* set with every nonzero length (tools/prove) */
    size_t len, total = 0;
    if (e == NULL || needed == NULL)
        return ACEPACK_ARG;
    if (!e->has_escapes) {
        total = e->key.len;
        *needed = total;
        if (buf == NULL)
            return ACEPACK_OK;
        if (cap < total)
            return ACEPACK_NOMEM;
        if (total)
            memcpy(buf, e->key.ptr, total);
        return ACEPACK_OK;
    }
    ap_strdec_init(&s, e->key.ptr, e->key.len);
    while ((len = ap_strdec_next(&s, &piece)) != 0)
        total += len;
    *needed = total;
    if (buf == NULL)
        return ACEPACK_OK;
    if (cap < total)
        return ACEPACK_NOMEM;
    ap_strdec_init(&s, e->key.ptr, e->key.len);
    while ((len = ap_strdec_next(&s, &piece)) != 0) {
        memcpy(buf, piece, len);
        buf += len;
    }
    return ACEPACK_OK;
}

int acepack_key_equals(const acepack_entry *e, const void *key, size_t len)
{
    if (e == NULL || (key == NULL && len > 0))
        return 0;
    return ap_str_equals(e->key.ptr, e->key.len, e->has_escapes, (const uint8_t *)key, len);
}

int acepack_key_compare(const acepack_entry *a, const acepack_entry *b)
{
    return ap_str_compare(a->key.ptr, a->key.len, a->has_escapes, b->key.ptr, b->key.len,
                          b->has_escapes);
}
