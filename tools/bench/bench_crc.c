/*
 * bench_crc.c - the checksum figures (spec 3.8, flag bit 0): CRC32C of the
 * whole v2 store with the hardware path (acepack_crc32c) and with the
 * portable table path, each beside a memchr pass over the same bytes, and
 * acepack_open strict of a checksummed copy of the store (every region
 * verified) beside the same open of the plain store.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

/* The library's portable path (src/common/crc32c.h): an internal symbol of
 * the static library, named here only so that the two paths can be timed
 * side by side.  acepack_crc32c() is the public entry (hardware when the CPU
 * has it). */
uint32_t ap_crc32c_portable(uint32_t crc, const void *p, size_t n);

typedef struct crc_ctx {
    const uint8_t *p;
    size_t n;
} crc_ctx;

static size_t op_crc_hw(void *p)
{
    const crc_ctx *c = p;
    return acepack_crc32c(0, c->p, c->n);
}

static size_t op_crc_portable(void *p)
{
    const crc_ctx *c = p;
    return ap_crc32c_portable(0, c->p, c->n);
}

static size_t op_memcpy(void *p)
{
    const crc_ctx *c = p;
    static uint8_t *dst;
    static size_t cap;
    if (cap < c->n) {
        free(dst);
        dst = bench_xmalloc(c->n);
        cap = c->n;
    }
    memcpy(dst, c->p, c->n);
    return dst[c->n / 2];
}

typedef struct open_ctx {
    const acepack_mapping *m;
} open_ctx;

static size_t op_open(void *p)
{
    const open_ctx *c = p;
    acepack_reader r;
    acepack_error e;
    bench_check(acepack_open(&r, c->m->data, c->m->size, ACEPACK_STRICT, &e), &e, "open");
    return r.event_count;
}

/* Times op against the memchr pass over the store (mcx) and reports it as
 * touching `bytes` bytes. */
static void report(const bench_opts *o, const char *name, const char *what, bench_op op, void *ctx,
                   bench_memchr_ctx *mcx, size_t bytes)
{
    bench_result res;
    memset(&res, 0, sizeof res);
    res.name = name;
    res.what = what;
    bench_measure(o, op, ctx, bench_memchr_op, mcx, &res);
    res.bytes = (double)bytes;
    bench_report(o, &res);
}

void bench_crc(const bench_opts *o)
{
    char path[4096], crc_path[4200];
    acepack_mapping m, mc;
    acepack_error e;
    acepack_store *s;
    acepack_store_options so;
    bench_region rg[1];
    bench_memchr_ctx mcx;
    crc_ctx c;
    open_ctx oc, occ;

    snprintf(path, sizeof path, "%s/v2-e%u-k%u.ace", o->dir, (unsigned)o->events,
             (unsigned)o->keys);
    bench_gen_v2(path, o->events, o->keys);
    /* A checksummed copy: the same content, compacted with flag bit 0. */
    snprintf(crc_path, sizeof crc_path, "%s.crc.ace", path);
    bench_copy_file(path, crc_path);
    memset(&so, 0, sizeof so);
    so.checksums = 1;
    bench_check(acepack_store_open(crc_path, 0, &so, &s, &e), &e, "open for checksums");
    bench_check(acepack_store_compact(s, &e), &e, "compact with checksums");
    bench_check(acepack_store_close(s, &e), &e, "close");

    bench_check(acepack_map_file(path, &m, &e), &e, path);
    bench_check(acepack_map_file(crc_path, &mc, &e), &e, crc_path);
    c.p = m.data;
    c.n = m.size;
    rg[0].p = m.data;
    rg[0].n = m.size;
    mcx.rg = rg;
    mcx.nrg = 1;
    mcx.c = bench_rare_byte(rg, 1);

    report(o, "crc32c_hw",
           "acepack_crc32c over the whole store (hardware path when the CPU has one)", op_crc_hw,
           &c, &mcx, m.size);
    report(o, "crc32c_portable", "the portable slicing-by-8 path over the same bytes",
           op_crc_portable, &c, &mcx, m.size);
    report(o, "memcpy_baseline", "memcpy of the same bytes (a read + write baseline)", op_memcpy,
           &c, &mcx, m.size);
    oc.m = &m;
    occ.m = &mc;
    report(o, "open_plain", "acepack_open strict of the store without checksums", op_open, &oc,
           &mcx, m.size);
    report(o, "open_checksummed",
           "acepack_open strict of the same content with flag bit 0 (all CRCs verified)", op_open,
           &occ, &mcx, mc.size);

    acepack_unmap(&mc);
    acepack_unmap(&m);
    remove(crc_path);
}
