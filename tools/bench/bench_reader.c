/*
 * bench_reader.c - the reader figures on the v2 store of `events` events
 * and `keys` keys: open (structural validation), strict validation, event
 * scans, and the heap used by the whole parse path.
 *
 * Each figure's baseline is a memchr pass over exactly the bytes the
 * operation must read, timed in the same loop (the two alternate), so a
 * busy machine slows both alike and the ratio stays meaningful.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

/* Positions of the columns of the event section, computed from the public
 * header fields with the layout of spec 3.3.1 (the reader's own pointers
 * are private). */
typedef struct layout {
    const uint8_t *ts, *kind, *pay_cols, *pool;
    size_t n, pool_len;
} layout;

static layout layout_of(const acepack_reader *r)
{
    layout l;
    const uint8_t *sec = r->data + (size_t)r->evt_offset;
    size_t n = r->event_count, pad = (4u - n % 4u) % 4u;
    l.n = n;
    l.ts = sec + 4;
    l.kind = sec + 4 + 8u * n;
    l.pay_cols = sec + 4 + 11u * n + pad;
    l.pool = sec + 8 + 19u * n + pad;
    l.pool_len = (size_t)(r->evt_length - (8u + 19u * n + pad));
    return l;
}

/* The bytes acepack_open must read: the header, the ts column (R-EVT-8),
 * the pay_off and pay_len columns (R-EVT-6/7) and the index (R-IDX-*).
 * (Plus 4 bytes per key, the chunk length fields, R-CHK-3: negligible.) */
static size_t open_regions(const acepack_reader *r, const layout *l, bench_region *rg)
{
    size_t n = 0;
    rg[n].p = r->data;
    rg[n++].n = 128;
    if (l->n > 0) {
        rg[n].p = l->ts;
        rg[n++].n = 8u * l->n;
        rg[n].p = l->pay_cols;
        rg[n++].n = 8u * l->n;
    }
    rg[n].p = r->data + (size_t)r->index_offset;
    rg[n++].n = (size_t)r->index_length;
    return n;
}

/* Times op against a memchr pass over the regions. */
static void measure(const bench_opts *o, bench_op op, void *ctx, const bench_region *rg, size_t nrg,
                    bench_result *res)
{
    bench_memchr_ctx mc;
    mc.rg = rg;
    mc.nrg = nrg;
    mc.c = bench_rare_byte(rg, nrg);
    bench_measure(o, op, ctx, bench_memchr_op, &mc, res);
    res->bytes = (double)bench_region_bytes(rg, nrg);
}

/* ---- the operations ---- */

typedef struct ctx {
    const acepack_mapping *m;
    const char *path;
    acepack_reader r;
    void *ws;
    size_t ws_size;
    uint64_t lo, hi; /* time range of the scans */
    uint8_t kind;
} ctx;

static size_t op_open(void *p)
{
    ctx *c = p;
    acepack_reader r;
    acepack_error e;
    bench_check(acepack_open(&r, c->m->data, c->m->size, ACEPACK_STRICT, &e), &e, "open");
    return r.event_count;
}

static size_t op_map_open(void *p)
{
    ctx *c = p;
    acepack_mapping m;
    acepack_reader r;
    acepack_error e;
    bench_check(acepack_map_file(c->path, &m, &e), &e, "map");
    bench_check(acepack_open(&r, m.data, m.size, ACEPACK_STRICT, &e), &e, "open");
    acepack_unmap(&m);
    return r.event_count;
}

static size_t op_validate(void *p)
{
    ctx *c = p;
    acepack_error e;
    bench_check(acepack_validate(&c->r, ACEPACK_CHECK_ALL, c->ws, c->ws_size, &e), &e, "validate");
    return 1;
}

static size_t op_validate_payloads(void *p)
{
    ctx *c = p;
    acepack_error e;
    bench_check(acepack_validate(&c->r, ACEPACK_CHECK_PAYLOADS, NULL, 0, &e), &e, "validate");
    return 1;
}

static size_t op_validate_keys(void *p)
{
    ctx *c = p;
    acepack_error e;
    bench_check(acepack_validate(&c->r, ACEPACK_CHECK_KEYS, c->ws, c->ws_size, &e), &e, "validate");
    return 1;
}

static size_t op_scan_kind(void *p)
{
    ctx *c = p;
    uint32_t i, n = acepack_event_count(&c->r);
    size_t hits = 0;
    for (i = 0; i < n; i++)
        hits += acepack_event_kind(&c->r, i) == c->kind;
    return hits;
}

static size_t op_scan_time(void *p)
{
    ctx *c = p;
    uint32_t i, n = acepack_event_count(&c->r);
    size_t hits = 0;
    for (i = 0; i < n; i++) {
        uint64_t ts = acepack_event_ts(&c->r, i);
        hits += ts >= c->lo && ts < c->hi;
    }
    return hits;
}

static size_t op_scan_kind_time(void *p)
{
    ctx *c = p;
    uint32_t i, n = acepack_event_count(&c->r);
    size_t hits = 0;
    for (i = 0; i < n; i++) {
        if (acepack_event_kind(&c->r, i) != c->kind)
            continue;
        uint64_t ts = acepack_event_ts(&c->r, i);
        hits += ts >= c->lo && ts < c->hi;
    }
    return hits;
}

/* The whole parse path once, with counting on: map, open, validate, table,
 * lookups, scans, event reads.  Caller memory is allocated before. */
static void heap_of_parse_path(const bench_opts *o, const char *path, ctx *c)
{
    acepack_mapping m;
    acepack_reader r;
    acepack_table t;
    acepack_error e;
    acepack_event ev;
    acepack_span v;
    size_t tsize = 0, need = 0;
    if (acepack_table_size(&c->r, &tsize) != ACEPACK_OK)
        bench_die("table size");
    void *tmem = bench_xmalloc(tsize);
    char key[BENCH_KEY_MAX];
    size_t klen;
    bench_heap_stats s;
    volatile size_t sink = 0;
    uint32_t i;

    if (!bench_heap_supported()) {
        bench_report_value(o, "parse_heap_peak",
                           "heap of the parse path: not measured in this build", -1, "");
        free(tmem);
        return;
    }
    { /* the counter must see an allocation, or its 0 below proves nothing */
        void *(*volatile alloc)(size_t) = malloc;
        void *p;
        bench_heap_start();
        p = alloc(100);
        free(p);
        s = bench_heap_stop();
        if (s.calls != 1 || s.peak < 100)
            bench_die("counting allocator self-check failed (%llu calls, peak %llu)",
                      (unsigned long long)s.calls, (unsigned long long)s.peak);
    }
    bench_heap_start();
    bench_check(acepack_map_file(path, &m, &e), &e, "map");
    bench_check(acepack_open(&r, m.data, m.size, ACEPACK_STRICT, &e), &e, "open");
    bench_check(acepack_validate_workspace_size(&r, ACEPACK_CHECK_ALL, &need), NULL, "ws size");
    if (need > c->ws_size)
        bench_die("workspace size changed");
    bench_check(acepack_validate(&r, ACEPACK_CHECK_ALL, c->ws, c->ws_size, &e), &e, "validate");
    bench_check(acepack_table_build(&t, &r, tmem, tsize, &e), &e, "table");
    klen = bench_kv_key(0, key);
    sink += acepack_table_get(&t, key, klen, &v) == ACEPACK_OK;
    klen = bench_kv_missing_key(0, key);
    sink += acepack_table_get(&t, key, klen, &v) == ACEPACK_OK;
    { /* the batch lookup is on the parse path too */
        acepack_span keys[2], vals[2];
        acepack_status sts[2];
        char key2[sizeof key];
        keys[0].ptr = (const uint8_t *)key;
        keys[0].len = klen;
        keys[1].ptr = (const uint8_t *)key2;
        keys[1].len = bench_kv_key(1, key2);
        sink += acepack_table_get_many(&t, keys, 2, vals, sts) == ACEPACK_NOT_FOUND;
    }
    for (i = 0; i < acepack_event_count(&r); i++) {
        acepack_event_get(&r, i, &ev);
        sink += ev.payload.len;
    }
    acepack_unmap(&m);
    s = bench_heap_stop();
    (void)sink;
    bench_report_value(o, "parse_heap_calls",
                       "allocation calls during map+open+validate+table+lookups+event reads",
                       (double)s.calls, "calls");
    bench_report_value(o, "parse_heap_peak", "peak heap of that parse path", (double)s.peak,
                       "bytes");
    free(tmem);
    if (o->check && (s.calls != 0 || s.peak != 0))
        bench_die("--check: the parse path allocated (%llu calls)", (unsigned long long)s.calls);
}

void bench_reader(const bench_opts *o)
{
    char path[4096];
    acepack_mapping m;
    acepack_error e;
    bench_region rg[4];
    size_t nrg;
    ctx c;
    bench_result res;
    layout l;
    uint32_t n;

    snprintf(path, sizeof path, "%s/v2-e%u-k%u.ace", o->dir, (unsigned)o->events,
             (unsigned)o->keys);
    bench_gen_v2(path, o->events, o->keys);
    memset(&c, 0, sizeof c);
    bench_check(acepack_map_file(path, &m, &e), &e, path);
    c.m = &m;
    c.path = path;
    bench_check(acepack_open(&c.r, m.data, m.size, ACEPACK_STRICT, &e), &e, "open");
    bench_check(acepack_validate_workspace_size(&c.r, ACEPACK_CHECK_ALL, &c.ws_size), NULL,
                "ws size");
    c.ws = bench_xmalloc(c.ws_size);
    n = acepack_event_count(&c.r);
    c.kind = 4;
    c.lo = n ? acepack_event_ts(&c.r, n / 4u) : 0; /* the middle half of the events */
    c.hi = n ? acepack_event_ts(&c.r, n - n / 4u - 1u) : 0;

    bench_report_value(o, "file", "store size", (double)m.size, "bytes");

    memset(&res, 0, sizeof res);
    res.events = n;
    res.keys = c.r.entry_count;

    l = layout_of(&c.r);
    nrg = open_regions(&c.r, &l, rg);
    res.name = "open";
    res.what = "acepack_open strict (header, columns, offsets, index JSON) on a mapped file";
    measure(o, op_open, &c, rg, nrg, &res);
    bench_report(o, &res);

    res.name = "map_open";
    res.what = "acepack_map_file + acepack_open strict + unmap (file in page cache)";
    measure(o, op_map_open, &c, rg, nrg, &res);
    bench_report(o, &res);

    rg[0].p = l.pool;
    rg[0].n = l.pool_len;
    res.name = "validate_strict";
    res.what = "acepack_validate CHECK_ALL: UTF-8 + JSON of every payload, keys (GB/s of payload)";
    measure(o, op_validate, &c, rg, 1, &res);
    bench_report(o, &res);

    res.name = "validate_payloads";
    res.what = "acepack_validate CHECK_PAYLOADS only (GB/s of payload)";
    measure(o, op_validate_payloads, &c, rg, 1, &res);
    bench_report(o, &res);

    /* duplicate keys and chunk overlap: per key, over the index */
    rg[0].p = c.r.data + (size_t)c.r.index_offset;
    rg[0].n = (size_t)c.r.index_length;
    res.name = "validate_keys";
    res.what =
        "acepack_validate CHECK_KEYS only: R-IDX-7 + R-CHK-4 (ns/key; memchr over the index)";
    res.items = (double)c.r.entry_count;
    res.item_unit = "key";
    measure(o, op_validate_keys, &c, rg, 1, &res);
    bench_report(o, &res);

    res.items = n;
    res.item_unit = "event";
    rg[0].p = l.kind;
    rg[0].n = n;
    res.name = "scan_kind";
    res.what = "count events of one kind (acepack_event_kind)";
    measure(o, op_scan_kind, &c, rg, 1, &res);
    bench_report(o, &res);

    rg[0].p = l.ts;
    rg[0].n = 8u * (size_t)n;
    res.name = "scan_time";
    res.what = "count events in a time range (acepack_event_ts)";
    measure(o, op_scan_time, &c, rg, 1, &res);
    bench_report(o, &res);

    rg[1].p = l.kind;
    rg[1].n = n;
    res.name = "scan_kind_time";
    res.what = "count events of one kind in a time range";
    measure(o, op_scan_kind_time, &c, rg, 2, &res);
    bench_report(o, &res);

    heap_of_parse_path(o, path, &c);
    free(c.ws);
    acepack_unmap(&m);
}
