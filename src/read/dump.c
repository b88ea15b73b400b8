/*
 * dump.c - the conformance dump (spec 11, D-1..D-7), without heap.
 *
 * The index entries are copied as 32-byte records into the caller's
 * workspace and heapsorted by decoded key (D-6), ties by member position so
 * that the last occurrence of a compat duplicate is the last of its run
 * (R-IDX-12).  Output goes through a stack buffer to the callback.
 */
#include "../common/json_escape.h"
#include "internal.h"

/* Records: a = raw key body offset, b = raw length | KEY_ESC,
 * c = chunk offset, d = value length. */
#define KEY_ESC (1ull << 63)

typedef struct out {
    acepack_write_fn write;
    void *ctx;
    int failed;
    size_t n;
    uint8_t buf[4096];
} out;

static void flush(out *o)
{
    if (o->n && !o->failed && o->write(o->ctx, o->buf, o->n) != 0)
        o->failed = 1;
    o->n = 0;
}

static void put(out *o, const void *p, size_t n)
{
    const uint8_t *s = (const uint8_t *)p;
    while (n > 0) {
        size_t k = sizeof o->buf - o->n;
        if (k == 0) {
            flush(o);
            k = sizeof o->buf;
        }
        if (k > n)
            k = n;
        memcpy(o->buf + o->n, s, k);
        o->n += k;
        s += k;
        n -= k;
    }
}

static void puts_(out *o, const char *s)
{
    put(o, s, strlen(s));
}

/* D-3: decimal, no sign or leading zero. */
static void put_u64(out *o, uint64_t v)
{
    char b[20];
    size_t i = sizeof b;
    do {
        b[--i] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v && i > 0); /* i > 0 always: 20 digits hold 2^64 - 1 */
    put(o, b + i, sizeof b - i);
}

/* D-4: lowercase hex, two digits per byte. */
static void put_hex(out *o, const uint8_t *p, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    while (n > 0) {
        uint8_t b[256];
        size_t k = n < sizeof b / 2 ? n : sizeof b / 2, j;
        for (j = 0; j < k; j++) {
            b[2 * j] = (uint8_t)hex[p[j] >> 4];
            b[2 * j + 1] = (uint8_t)hex[p[j] & 15];
        }
        put(o, b, 2 * k);
        p += k;
        n -= k;
    }
}

/* D-5: the escaping of spec 4.1 `string` for bytes that are valid UTF-8
 * (no quotes added). */
static void put_escaped(out *o, const uint8_t *p, size_t n)
{
    size_t run = 0; /* start of the pending run of bytes written as themselves */
    for (size_t i = 0; i < n; i++) {
        char e[AP_JSON_ESCAPE_MAX];
        size_t en = ap_json_escape(p[i], e);
        if (en == 0)
            continue;
        put(o, p + run, i - run);
        put(o, e, en);
        run = i + 1;
    }
    put(o, p + run, n - run);
}

/* K: the decoded key, escaped per D-5.  A raw body without escapes holds no
 * quote, backslash or control, and a strict body's escapes are already the
 * form of spec 4.1 (R-IDX-6): both are their own dump.  Compat escapes are
 * decoded and escaped again. */
static void put_key(out *o, const uint8_t *raw, size_t n, int esc, int strict)
{
    put(o, "\"", 1);
    if (!esc || strict) {
        put(o, raw, n);
    } else {
        ap_strdec d;
        const uint8_t *piece = NULL; /* set with every nonzero length (tools/prove) */
        size_t len;
        ap_strdec_init(&d, raw, n);
        while ((len = ap_strdec_next(&d, &piece)) != 0)
            put_escaped(o, piece, len);
    }
    put(o, "\"", 1);
}

/* H and, when the bytes are valid UTF-8, U (D-2). */
static void put_bytes(out *o, const char *hex_name, const char *utf8_name, const uint8_t *p,
                      size_t n)
{
    puts_(o, hex_name);
    put(o, "\"", 1);
    put_hex(o, p, n);
    put(o, "\"", 1);
    if (acepack_utf8_check(p, n) == n) {
        puts_(o, utf8_name);
        put(o, "\"", 1);
        put_escaped(o, p, n);
        put(o, "\"", 1);
    }
}

static int cmp_key(const ap_rec *x, const ap_rec *y, const void *ctx)
{
    const uint8_t *d = (const uint8_t *)ctx;
    int c = ap_str_compare(d + (size_t)x->a, (size_t)(x->b & ~KEY_ESC), (x->b & KEY_ESC) != 0,
                           d + (size_t)y->a, (size_t)(y->b & ~KEY_ESC), (y->b & KEY_ESC) != 0);
    if (c != 0)
        return c;
    return x->a < y->a ? -1 : x->a > y->a; /* file order among equal keys */
}

static int same_key(const uint8_t *d, const ap_rec *x, const ap_rec *y)
{
    return ap_str_compare(d + (size_t)x->a, (size_t)(x->b & ~KEY_ESC), (x->b & KEY_ESC) != 0,
                          d + (size_t)y->a, (size_t)(y->b & ~KEY_ESC), (y->b & KEY_ESC) != 0) == 0;
}

acepack_status acepack_dump_workspace_size(const acepack_reader *r, size_t *size)
{
    if (r == NULL || size == NULL)
        return ACEPACK_ARG;
    if (r->entry_count > ((uint64_t)SIZE_MAX - 8u) / sizeof(ap_rec))
        return ACEPACK_UNSUPPORTED;
    *size = r->entry_count ? (size_t)(r->entry_count * sizeof(ap_rec) + 7u) : 0u;
    return ACEPACK_OK;
}

acepack_status acepack_dump(const acepack_reader *r, void *workspace, size_t ws_size,
                            acepack_write_fn write, void *ctx, acepack_error *err)
{
    acepack_index_iter it;
    acepack_entry e;
    ap_rec *v = NULL;
    size_t n = 0, i, need;
    uint32_t k;
    int strict, first;
    out o;

    if (r == NULL || write == NULL)
        return ap_fail(err, ACEPACK_ARG, NULL, 0, "invalid argument");
    if (acepack_dump_workspace_size(r, &need) != ACEPACK_OK)
        return ap_fail(err, ACEPACK_UNSUPPORTED, NULL, 0, "workspace exceeds the address space");
    if (need > 0) {
        v = (ap_rec *)ap_align8(workspace, ws_size, need - 7u);
        if (v == NULL)
            return ap_fail(err, ACEPACK_NOMEM, NULL, 0, "dump workspace too small");
    }
    strict = r->profile == ACEPACK_STRICT;

    acepack_index_iter_init(&it, r);
    /* The walk yields entry_count members (the ones acepack_open counted);
     * `n < entry_count` restates the bound of v where the write is (for a
     * reviewer, and for tools/prove's analyser). */
    while (n < r->entry_count && acepack_index_iter_next(&it, &e)) {
        v[n].a = e.entry_offset + 1u;
        v[n].b = (uint64_t)e.key.len | (e.has_escapes ? KEY_ESC : 0u);
        v[n].c = e.chunk_offset;
        v[n].d = e.value_length;
        n++;
    }
    ap_heapsort(v, n, cmp_key, r->data);

    if (strict) { /* R-IDX-7, before any output: the earliest second occurrence */
        uint64_t dup = UINT64_MAX;
        for (i = 1; i < n; i++)
            if (same_key(r->data, &v[i - 1], &v[i]) &&
                (i < 2 || !same_key(r->data, &v[i - 2], &v[i])) && v[i].a - 1u < dup)
                dup = v[i].a - 1u;
        if (dup != UINT64_MAX)
            return ap_fail(err, ACEPACK_INVALID, "R-IDX-7", dup, "duplicate key in the index");
    }

    o.write = write;
    o.ctx = ctx;
    o.failed = 0;
    o.n = 0;
    puts_(&o, "{\"format_version\":");
    put_u64(&o, r->version);
    puts_(&o, ",\"flags\":");
    /* D-3: bit 16 is placement, not content (spec 3.7) */
    put_u64(&o, r->flags & ~(uint32_t)ACEPACK_FLAG_SEGMENTED);
    puts_(&o, ",\"evt_base_id\":\"");
    put_u64(&o, r->evt_base_id); /* D-7: 0 for v1 */
    puts_(&o, "\",\"kv\":[");
    first = 1;
    for (i = 0; i < n; i++) {
        if (i + 1 < n && same_key(r->data, &v[i], &v[i + 1]))
            continue; /* compat: a later occurrence wins (R-IDX-12) */
        puts_(&o, first ? "\n" : ",\n");
        first = 0;
        puts_(&o, "{\"key\":");
        put_key(&o, r->data + (size_t)v[i].a, (size_t)(v[i].b & ~KEY_ESC), (v[i].b & KEY_ESC) != 0,
                strict);
        put_bytes(&o, ",\"value_hex\":", ",\"value_utf8\":", r->data + (size_t)v[i].c + 4,
                  (size_t)v[i].d);
        put(&o, "}", 1);
    }
    puts_(&o, first ? "],\"events\":[" : "\n],\"events\":[");
    for (k = 0; k < r->event_count; k++) {
        acepack_event ev;
        acepack_event_get(r, k, &ev);
        puts_(&o, k == 0 ? "\n{\"id\":\"" : ",\n{\"id\":\"");
        put_u64(&o, ev.id);
        puts_(&o, "\",\"ts\":\"");
        put_u64(&o, ev.ts);
        puts_(&o, "\",\"kind\":");
        put_u64(&o, ev.kind);
        puts_(&o, ",\"source\":");
        put_u64(&o, ev.source);
        puts_(&o, ",\"flags\":");
        put_u64(&o, ev.flags);
        put_bytes(&o, ",\"payload_hex\":", ",\"payload_utf8\":", ev.payload.ptr, ev.payload.len);
        put(&o, "}", 1);
        if (o.failed)
            break;
    }
    puts_(&o, r->event_count ? "\n]}\n" : "]}\n");
    flush(&o);
    if (o.failed)
        return ap_fail(err, ACEPACK_CALLBACK, NULL, 0, "output callback failed");
    return ACEPACK_OK;
}
