/*
 * bench_measure.c - the timing loop shared by the reader figures: the
 * operation and its baseline alternate, so that a burst of load from other
 * processes slows both and the ratio stays meaningful; medians, not means.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>

#include "bench.h"

size_t bench_memchr_op(void *ctx)
{
    const bench_memchr_ctx *m = (const bench_memchr_ctx *)ctx;
    return bench_memchr_pass(m->rg, m->nrg, m->c);
}

void bench_measure(const bench_opts *o, bench_op op, void *ctx, bench_op base, void *bctx,
                   bench_result *res)
{
    double *t = bench_xmalloc(sizeof(double) * o->iters);
    double *b = bench_xmalloc(sizeof(double) * o->iters);
    volatile size_t sink = 0;
    unsigned k;

    sink += op(ctx);
    if (base)
        sink += base(bctx);
    for (k = 0; k < o->iters; k++) {
        uint64_t t0, t1, t2;
        t0 = bench_now_ns();
        sink += op(ctx);
        t1 = bench_now_ns();
        if (base)
            sink += base(bctx);
        t2 = bench_now_ns();
        t[k] = (double)(t1 - t0);
        b[k] = (double)(t2 - t1);
    }
    (void)sink;
    res->median_ns = bench_median(t, o->iters);
    res->memchr_ns = base ? bench_median(b, o->iters) : 0;
    res->runs = o->iters;
    free(t);
    free(b);
}
