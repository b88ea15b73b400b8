/*
 * write_dump_parse.c - reads a conformance dump (spec 11) back into content,
 * for `acepack build` and the adapter's `write`.  Strict on purpose: it
 * accepts exactly the bytes a conformant dumper writes (D-1..D-7), so there is
 * one parse per content and no JSON generality to get wrong.
 */
#include "write_internal.h"

typedef struct dparse {
    const uint8_t *t;
    size_t n;
    size_t i;
    uint8_t *arena; /* decoded bytes: never more than the text itself */
    size_t used;
    acepack_error *err;
    acepack_status st;
} dparse;

static int bad(dparse *p, const char *rule, const char *msg)
{
    if (p->st == ACEPACK_OK)
        p->st = aw_fail(p->err, ACEPACK_INVALID, rule, p->i, msg);
    return 0;
}

static int lit(dparse *p, const char *s)
{
    size_t k = strlen(s);
    if (k > p->n - p->i || memcmp(p->t + p->i, s, k) != 0)
        return bad(p, "D-1", "the dump does not have the layout of D-1/D-2 here");
    p->i += k;
    return 1;
}

static int peek(const dparse *p, const char *s)
{
    size_t k = strlen(s);
    return k <= p->n - p->i && memcmp(p->t + p->i, s, k) == 0;
}

/* D-3: digits without sign, fraction, exponent or leading zero, <= max. */
static int digits(dparse *p, uint64_t max, uint64_t *v)
{
    size_t start = p->i;
    uint64_t x = 0;
    while (p->i < p->n && p->t[p->i] >= '0' && p->t[p->i] <= '9') {
        unsigned d = (unsigned)(p->t[p->i] - '0');
        if (x > (max - d) / 10u) {
            p->i = start;
            return bad(p, "D-3", "number out of range");
        }
        x = x * 10u + d;
        p->i++;
    }
    if (p->i == start || (p->t[start] == '0' && p->i - start > 1)) {
        p->i = start;
        return bad(p, "D-3", "not a decimal number without sign or leading zero");
    }
    *v = x;
    return 1;
}

static int dec_string(dparse *p, uint64_t *v)
{
    return lit(p, "\"") && digits(p, UINT64_MAX, v) && lit(p, "\"");
}

/* D-4: lowercase only. */
static int hexval(uint8_t c)
{
    return c >= 'A' && c <= 'F' ? -1 : ap_hex_value(c);
}

/* D-4: lowercase hex, two digits per byte; decoded into the arena. */
static int hex_string(dparse *p, const uint8_t **out, size_t *len)
{
    if (!lit(p, "\""))
        return 0;
    uint8_t *o = p->arena + p->used;
    size_t k = 0;
    while (p->i < p->n && p->t[p->i] != '"') {
        int hi = hexval(p->t[p->i]);
        int lo = p->i + 1 < p->n ? hexval(p->t[p->i + 1]) : -1;
        if (hi < 0 || lo < 0)
            return bad(p, "D-4", "not two lowercase hex digits");
        o[k++] = (uint8_t)(hi * 16 + lo);
        p->i += 2;
    }
    if (!lit(p, "\""))
        return 0;
    p->used += k;
    *out = o;
    *len = k;
    return 1;
}

/* Value of the 4 hex digits (any case) after "\\u" at e, or -1. */
static long u_escape(const uint8_t *e, size_t avail)
{
    if (avail < 6 || e[0] != '\\' || e[1] != 'u')
        return -1;
    long v = 0;
    for (int i = 2; i < 6; i++) {
        uint8_t c = e[i];
        int d = hexval(c);
        if (d < 0 && c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/* 1 when the escape at e is an unpaired surrogate (its own error: such a
 * string is not Unicode text, W-IDX-2, rather than a mere format slip). */
static int lone_surrogate(const uint8_t *e, size_t avail)
{
    long v = u_escape(e, avail);
    if (v < 0xD800 || v > 0xDFFF)
        return 0;
    if (v >= 0xDC00)
        return 1;
    long w = avail >= 12 ? u_escape(e + 6, avail - 6) : -1;
    return !(w >= 0xDC00 && w <= 0xDFFF);
}

/* D-5: a JSON string with exactly the escaping of spec 4.1. */
static int json_string(dparse *p, const uint8_t **out, size_t *len)
{
    if (!lit(p, "\""))
        return 0;
    uint8_t *o = p->arena + p->used;
    size_t k = 0;
    for (;;) {
        if (p->i >= p->n)
            return bad(p, "D-1", "unterminated string");
        uint8_t c = p->t[p->i];
        if (c == '"')
            break;
        if (c < 0x20)
            return bad(p, "D-5", "raw control character in a string");
        if (c != '\\') {
            o[k++] = c;
            p->i++;
            continue;
        }
        if (p->i + 1 >= p->n)
            return bad(p, "D-5", "truncated escape");
        uint8_t d = p->t[p->i + 1];
        uint8_t v;
        switch (d) {
        case '"':
            v = '"';
            break;
        case '\\':
            v = '\\';
            break;
        case 'b':
            v = 0x08;
            break;
        case 'f':
            v = 0x0c;
            break;
        case 'n':
            v = 0x0a;
            break;
        case 'r':
            v = 0x0d;
            break;
        case 't':
            v = 0x09;
            break;
        case 'u': {
            /* only \u00XX for controls without a short form, lowercase hex */
            if (p->n - p->i < 6 || p->t[p->i + 2] != '0' || p->t[p->i + 3] != '0' ||
                (p->t[p->i + 4] != '0' && p->t[p->i + 4] != '1') || hexval(p->t[p->i + 5]) < 0) {
                if (lone_surrogate(p->t + p->i, p->n - p->i))
                    return bad(p, "W-IDX-2", "a lone surrogate: not Unicode text, no UTF-8 form");
                return bad(p, "D-5", "escape not in the form of spec 4.1");
            }
            v = (uint8_t)((p->t[p->i + 4] - '0') * 16 + hexval(p->t[p->i + 5]));
            if (v == 0x08 || v == 0x09 || v == 0x0a || v == 0x0c || v == 0x0d)
                return bad(p, "D-5", "\\u escape of a character with a short form");
            o[k++] = v;
            p->i += 6;
            continue;
        }
        default:
            return bad(p, "D-5", "escape not in the form of spec 4.1");
        }
        o[k++] = v;
        p->i += 2;
    }
    p->i++;
    p->used += k;
    *out = o;
    *len = k;
    return 1;
}

/* D-2: the *_utf8 member, present exactly when the bytes are UTF-8, equal to them. */
static int utf8_member(dparse *p, const char *member, const uint8_t *b, size_t n)
{
    int valid = acepack_utf8_check(n ? (const void *)b : "", n) == n;
    if (!peek(p, member)) {
        if (valid)
            return bad(p, "D-2", "the _utf8 member is missing for valid UTF-8 bytes");
        return 1;
    }
    if (!valid)
        return bad(p, "D-2", "an _utf8 member for bytes that are not UTF-8");
    lit(p, member);
    size_t mark = p->used, at = p->i;
    const uint8_t *u;
    size_t ul;
    if (!json_string(p, &u, &ul))
        return 0;
    p->used = mark; /* only compared, not kept */
    if (ul != n || (n && memcmp(u, b, n) != 0)) {
        p->i = at;
        return bad(p, "D-2", "the _utf8 member differs from the hex bytes");
    }
    return 1;
}

/* Array framing of D-1: `[]`, or `[` LF item (`,` LF item)* LF `]`. */
static int array_open(dparse *p, int *empty)
{
    if (peek(p, "[]")) {
        p->i += 2;
        *empty = 1;
        return 1;
    }
    *empty = 0;
    return lit(p, "[\n");
}

/* 1 = another item follows, 0 = array closed (or error: check p->st). */
static int array_next(dparse *p)
{
    if (peek(p, ",\n")) {
        p->i += 2;
        return 1;
    }
    lit(p, "\n]");
    return 0;
}

static int parse_kv(dparse *p, acepack_kv *kv)
{
    return lit(p, "{\"key\":") && json_string(p, &kv->key, &kv->key_len) &&
           lit(p, ",\"value_hex\":") && hex_string(p, &kv->value, &kv->value_len) &&
           utf8_member(p, ",\"value_utf8\":", kv->value, kv->value_len) && lit(p, "}");
}

static int parse_event(dparse *p, acepack_event_in *ev, uint64_t want_id)
{
    uint64_t id, k, s, f;
    size_t at = p->i + 7;
    if (!(lit(p, "{\"id\":") && dec_string(p, &id)))
        return 0;
    if (id != want_id) {
        p->i = at;
        return bad(p, "D-6", "event id is not evt_base_id + position (R-EVT-10)");
    }
    if (!(lit(p, ",\"ts\":") && dec_string(p, &ev->ts) && lit(p, ",\"kind\":") &&
          digits(p, 255, &k) && lit(p, ",\"source\":") && digits(p, 255, &s) &&
          lit(p, ",\"flags\":") && digits(p, 255, &f) && lit(p, ",\"payload_hex\":") &&
          hex_string(p, &ev->payload, &ev->payload_len) &&
          utf8_member(p, ",\"payload_utf8\":", ev->payload, ev->payload_len) && lit(p, "}")))
        return 0;
    ev->kind = (uint32_t)k;
    ev->source = (uint32_t)s;
    ev->flags = (uint32_t)f;
    return 1;
}

void acepack_parsed_dump_free(acepack_parsed_dump *d)
{
    if (!d)
        return;
    if (d->priv.mem)
        d->priv.alloc.free(d->priv.alloc.ctx, d->priv.mem, d->priv.size);
    if (d->priv.arrays)
        d->priv.alloc.free(d->priv.alloc.ctx, d->priv.arrays, d->priv.arrays_size);
    memset(d, 0, sizeof *d);
}

acepack_status acepack_dump_parse(const void *text, size_t n, const acepack_allocator *alloc,
                                  acepack_parsed_dump *out, acepack_error *err)
{
    if (!out || (!text && n > 0) || !aw_alloc_valid(alloc))
        return aw_fail(err, ACEPACK_ARG, NULL, 0, "invalid argument");
    memset(out, 0, sizeof *out);
    const acepack_allocator *a = aw_alloc_or_default(alloc);
    size_t bad_utf8 = acepack_utf8_check(n ? text : "", n);
    if (bad_utf8 != n)
        return aw_fail(err, ACEPACK_INVALID, "D-1", bad_utf8, "the dump is not UTF-8");

    dparse p;
    memset(&p, 0, sizeof p);
    p.t = text;
    p.n = n;
    p.err = err;
    p.st = ACEPACK_OK;
    p.arena = aw_malloc(a, n ? n : 1);
    if (!p.arena)
        return aw_fail(err, ACEPACK_NOMEM, NULL, 0, "out of memory");
    aw_buf kvs = {NULL, 0, 0}, evs = {NULL, 0, 0};
    acepack_content *c = &out->content;
    uint64_t v = 0, fl = 0, base = 0;
    int empty = 0;

    if (lit(&p, "{\"format_version\":") && digits(&p, 2, &v) && lit(&p, ",\"flags\":") &&
        digits(&p, AW_U32_MAX, &fl) && lit(&p, ",\"evt_base_id\":") && dec_string(&p, &base) &&
        lit(&p, ",\"kv\":") && array_open(&p, &empty)) {
        if (v != 1 && v != 2)
            bad(&p, "D-3", "format_version is not 1 or 2");
        acepack_kv prev;
        memset(&prev, 0, sizeof prev);
        int have_prev = 0;
        for (int more = !empty; more && p.st == ACEPACK_OK; more = array_next(&p)) {
            acepack_kv kv;
            size_t at = p.i;
            if (!parse_kv(&p, &kv))
                break;
            /* Keys point into the arena, which never moves. */
            int order = have_prev ? aw_bytes_cmp(prev.key, prev.key_len, kv.key, kv.key_len) : -1;
            if (order >= 0) {
                p.i = at;
                if (order == 0)
                    bad(&p, "W-IDX-2", "duplicate key");
                else
                    bad(&p, "D-6", "kv is not sorted by key bytes");
                break;
            }
            if (aw_buf_append(a, &kvs, &kv, sizeof kv) != 0) {
                p.st = aw_fail(err, ACEPACK_NOMEM, NULL, 0, "out of memory");
                break;
            }
            prev = kv;
            have_prev = 1;
        }
    }
    if (p.st == ACEPACK_OK && lit(&p, ",\"events\":") && array_open(&p, &empty)) {
        for (int more = !empty; more && p.st == ACEPACK_OK; more = array_next(&p)) {
            acepack_event_in ev;
            memset(&ev, 0, sizeof ev);
            uint64_t count = evs.len / sizeof ev;
            if (!parse_event(&p, &ev, base + count + 1u))
                break;
            if (aw_buf_append(a, &evs, &ev, sizeof ev) != 0) {
                p.st = aw_fail(err, ACEPACK_NOMEM, NULL, 0, "out of memory");
                break;
            }
        }
    }
    if (p.st == ACEPACK_OK && lit(&p, "}\n") && p.i != p.n)
        bad(&p, "D-1", "bytes after the end of the dump");
    if (p.st == ACEPACK_OK && v == 1 && (base != 0 || evs.len != 0))
        bad(&p, "D-7", "a v1 dump has evt_base_id \"0\" and no events");

    size_t nkv = kvs.len / sizeof(acepack_kv), nev = evs.len / sizeof(acepack_event_in);
    if (p.st == ACEPACK_OK) {
        /* One block for both arrays: events first, kv at an 8-aligned offset. */
        size_t ev_bytes = (evs.len + 7u) & ~(size_t)7u;
        size_t total = ev_bytes + kvs.len;
        void *arr = aw_malloc(a, total ? total : 1);
        if (!arr) {
            p.st = aw_fail(err, ACEPACK_NOMEM, NULL, 0, "out of memory");
        } else {
            uint8_t *b = arr;
            if (evs.len)
                memcpy(b, evs.p, evs.len);
            if (kvs.len)
                memcpy(b + ev_bytes, kvs.p, kvs.len);
            out->priv.arrays = arr;
            out->priv.arrays_size = total ? total : 1;
            c->events = nev ? (const acepack_event_in *)(const void *)b : NULL;
            c->kv = nkv ? (const acepack_kv *)(const void *)(b + ev_bytes) : NULL;
        }
    }
    aw_buf_free(a, &kvs);
    aw_buf_free(a, &evs);
    if (p.st != ACEPACK_OK) {
        aw_free(a, out->priv.arrays, out->priv.arrays_size);
        aw_free(a, p.arena, n ? n : 1);
        memset(out, 0, sizeof *out);
        return p.st;
    }
    c->format_version = (uint32_t)v;
    c->flags = (uint32_t)fl;
    c->evt_base_id = base;
    c->kv_count = nkv;
    c->event_count = nev;
    out->priv.mem = p.arena;
    out->priv.size = n ? n : 1;
    out->priv.alloc = *a;
    return ACEPACK_OK;
}
