/*
 * bench_lookup.c - the lookup table: build (ns/key) and lookups that hit
 * and miss (ns/lookup), on stores of `keys` and of `lookup_keys` keys.
 *
 * Lookups run in a fixed random order over all keys (so the table and the
 * keys in the index are touched at random, as a real workload would), the
 * stream repeated until about 1,000,000 lookups per run.  Their baseline is
 * a memchr pass over the bytes of the same query keys: the bytes a lookup
 * must read at the least.  A lookup is latency-bound (one table slot and the
 * key bytes in the file, at random), so the ratio mostly shows that cost.
 *
 * The `_batch` figures run the same query stream, in the same order, through
 * acepack_table_get_many() in batches of BATCH keys: the lookups of a batch
 * overlap their memory reads, which is how a caller that knows several keys
 * gets past the memory latency of single lookups.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define LOOKUPS_PER_RUN 1000000u
#define BATCH 64u

/* The query stream of one run: the keys in a fixed random order, packed one
 * after the other, so that reading the queries themselves is sequential
 * (a caller's key is in its cache; only the table and the file are cold). */
typedef struct queries {
    char *bytes;
    size_t *len;
    acepack_span *spans; /* the same keys, for acepack_table_get_many() */
    uint32_t n;
    uint32_t rounds; /* passes over the stream per run */
    double key_bytes;
} queries;

typedef struct lookup_ctx {
    const acepack_reader *r;
    acepack_table *t;
    void *mem;
    size_t mem_size;
    const queries *q;
    int expect_hit;
} lookup_ctx;

static void make_queries(queries *q, uint32_t n, int missing)
{
    bench_rng rng;
    uint32_t i, *order = bench_xmalloc(sizeof *order * n);
    char *p;
    for (i = 0; i < n; i++)
        order[i] = i;
    rng.s = 0xACE0000000000003ull;
    for (i = n; i > 1; i--) { /* Fisher-Yates */
        uint32_t j = (uint32_t)(bench_rand(&rng) % i), tmp = order[i - 1];
        order[i - 1] = order[j];
        order[j] = tmp;
    }
    q->n = n;
    q->bytes = p = bench_xmalloc((size_t)n * BENCH_KEY_MAX);
    q->len = bench_xmalloc(sizeof *q->len * n);
    q->spans = bench_xmalloc(sizeof *q->spans * n);
    q->key_bytes = 0;
    for (i = 0; i < n; i++) {
        q->len[i] = missing ? bench_kv_missing_key(order[i], p) : bench_kv_key(order[i], p);
        q->spans[i].ptr = (const uint8_t *)p;
        q->spans[i].len = q->len[i];
        q->key_bytes += (double)q->len[i];
        p += q->len[i];
    }
    q->rounds = (LOOKUPS_PER_RUN + n - 1u) / n;
    free(order);
}

static void free_queries(queries *q)
{
    free(q->bytes);
    free(q->len);
    free(q->spans);
}

static size_t op_build(void *p)
{
    lookup_ctx *c = p;
    acepack_error e;
    bench_check(acepack_table_build(c->t, c->r, c->mem, c->mem_size, &e), &e, "table build");
    return (size_t)c->t->key_count;
}

static size_t op_lookups(void *p)
{
    lookup_ctx *c = p;
    const queries *q = c->q;
    size_t found = 0, sum = 0;
    uint32_t round, i;
    for (round = 0; round < q->rounds; round++) {
        const char *k = q->bytes;
        for (i = 0; i < q->n; i++) {
            acepack_span v;
            if (acepack_table_get(c->t, k, q->len[i], &v) == ACEPACK_OK) {
                found++;
                sum += v.len;
            }
            k += q->len[i];
        }
    }
    if (found != (c->expect_hit ? (size_t)q->n * q->rounds : 0u))
        bench_die("lookup: %zu of %zu found", found, (size_t)q->n * q->rounds);
    return sum;
}

static size_t op_lookups_batch(void *p)
{
    lookup_ctx *c = p;
    const queries *q = c->q;
    size_t found = 0, sum = 0;
    uint32_t round, i, j, m;
    for (round = 0; round < q->rounds; round++) {
        for (i = 0; i < q->n; i += m) {
            acepack_span v[BATCH];
            acepack_status st[BATCH];
            m = q->n - i < BATCH ? q->n - i : BATCH;
            if (acepack_table_get_many(c->t, q->spans + i, m, v, st) == ACEPACK_ARG)
                bench_die("lookup batch: invalid argument");
            for (j = 0; j < m; j++) {
                if (st[j] == ACEPACK_OK) {
                    found++;
                    sum += v[j].len;
                }
            }
        }
    }
    if (found != (c->expect_hit ? (size_t)q->n * q->rounds : 0u))
        bench_die("lookup batch: %zu of %zu found", found, (size_t)q->n * q->rounds);
    return sum;
}

static size_t op_query_memchr(void *p)
{
    lookup_ctx *c = p;
    const queries *q = c->q;
    size_t hits = 0;
    uint32_t round, i;
    for (round = 0; round < q->rounds; round++) {
        const char *k = q->bytes;
        for (i = 0; i < q->n; i++) {
            hits += memchr(k, 0xFF, q->len[i]) != NULL;
            k += q->len[i];
        }
    }
    return hits;
}

/* One lookup figure: `op` over the queries q, against memchr over them. */
static void lookup_figure(const bench_opts *o, lookup_ctx *c, bench_result *res, queries *q,
                          int expect_hit, bench_op op, const char *name, const char *what)
{
    c->q = q;
    c->expect_hit = expect_hit;
    res->bytes = q->key_bytes * q->rounds;
    res->name = name;
    res->what = what;
    bench_measure(o, op, c, op_query_memchr, c, res);
    bench_report(o, res);
}

static void lookup_figures(const bench_opts *o, uint32_t keys)
{
    char path[4096];
    acepack_mapping m;
    acepack_reader r;
    acepack_table t;
    acepack_error e;
    bench_region rg;
    bench_memchr_ctx mc;
    bench_result res;
    lookup_ctx c;
    queries hit, miss;
    const uint32_t events = 1000;

    snprintf(path, sizeof path, "%s/v2-e%u-k%u.ace", o->dir, (unsigned)events, (unsigned)keys);
    bench_gen_v2(path, events, keys);
    bench_check(acepack_map_file(path, &m, &e), &e, path);
    bench_check(acepack_open(&r, m.data, m.size, ACEPACK_STRICT, &e), &e, "open");
    memset(&c, 0, sizeof c);
    c.r = &r;
    c.t = &t;
    if (acepack_table_size(&r, &c.mem_size) != ACEPACK_OK)
        bench_die("table size");
    c.mem = bench_xmalloc(c.mem_size);

    memset(&res, 0, sizeof res);
    res.events = r.event_count;
    res.keys = r.entry_count;

    rg.p = r.data + (size_t)r.index_offset;
    rg.n = (size_t)r.index_length;
    mc.rg = &rg;
    mc.nrg = 1;
    mc.c = bench_rare_byte(&rg, 1);
    res.name = "table_build";
    res.what = "acepack_table_build (ns/key; memchr over the index)";
    res.items = (double)r.entry_count;
    res.item_unit = "key";
    bench_measure(o, op_build, &c, bench_memchr_op, &mc, &res);
    res.bytes = (double)rg.n;
    bench_report(o, &res);

    make_queries(&hit, keys, 0);
    make_queries(&miss, keys, 1);
    res.items = (double)keys * hit.rounds;
    res.item_unit = "lookup";
    /* the floor of a lookup that misses the cache: one dependent random read
     * in a working set as large as the table plus the index */
    res.latency_ns = bench_latency_ns(c.mem_size + (size_t)r.index_length, o->iters);

    lookup_figure(o, &c, &res, &hit, 1, op_lookups, "lookup_hit",
                  "acepack_table_get of present keys, random order (memchr over the query keys)");
    lookup_figure(o, &c, &res, &miss, 0, op_lookups, "lookup_miss",
                  "acepack_table_get of absent keys, random order (memchr over the query keys)");
    lookup_figure(o, &c, &res, &hit, 1, op_lookups_batch, "lookup_hit_batch",
                  "acepack_table_get_many of present keys, batches of 64, same order");
    lookup_figure(o, &c, &res, &miss, 0, op_lookups_batch, "lookup_miss_batch",
                  "acepack_table_get_many of absent keys, batches of 64, same order");

    free_queries(&hit);
    free_queries(&miss);
    free(c.mem);
    acepack_unmap(&m);
}

void bench_lookup(const bench_opts *o)
{
    lookup_figures(o, o->keys);
    if (o->lookup_keys != o->keys)
        lookup_figures(o, o->lookup_keys);
}
