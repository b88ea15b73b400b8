/*
 * write_out.c - the output stream of the writer: a staging buffer in front of
 * a sink, so that many small fields become few large system calls; pieces
 * up to a stage's size go to the sink without a copy, larger ones through
 * the stage (out_stream).
 */
#include <errno.h>

#include "../common/json_escape.h"
#include "write_internal.h"

acepack_status aw_out_init(aw_out *o, const acepack_allocator *a, aw_sink_fn sink, void *ctx,
                           acepack_error *err)
{
    return aw_out_init_cap(o, a, sink, ctx, AW_STAGE_SIZE, err);
}

acepack_status aw_out_init_cap(aw_out *o, const acepack_allocator *a, aw_sink_fn sink, void *ctx,
                               size_t cap, acepack_error *err)
{
    memset(o, 0, sizeof *o);
    o->a = a;
    cap = cap < AW_STAGE_MIN ? AW_STAGE_MIN : cap > AW_STAGE_SIZE ? AW_STAGE_SIZE : cap;
    o->stage = aw_malloc(a, cap);
    if (!o->stage)
        return aw_fail(err, ACEPACK_NOMEM, NULL, 0, "out of memory");
    o->cap = cap;
    o->sink = sink;
    o->ctx = ctx;
    o->status = ACEPACK_OK;
    o->err = err;
    return ACEPACK_OK;
}

void aw_out_free(aw_out *o)
{
    aw_free(o->a, o->stage, o->cap);
    o->stage = NULL;
    o->cap = 0;
}

static void out_drain(aw_out *o)
{
    if (o->len > 0 && o->status == ACEPACK_OK)
        o->status = o->sink(o->ctx, o->stage, o->len, o->err);
    o->len = 0;
}

/* A piece larger than AW_STAGE_SIZE goes to the sink through a full-size
 * stage, one stage at a time: the kernel then reads the same few pages of
 * the stage for every write instead of each page of the piece once.  On the
 * CI machine (a paravirtualized VM, tools/bench/README.md) the kernel's first
 * read of a page of a large user buffer costs microseconds: 86 MB written
 * from one buffer in 1 MiB pieces took 180-200 ms of write calls, the same
 * bytes through a 256 KiB stage 20 ms.  Elsewhere the cost is one memcpy of
 * the piece at memory speed.  Without memory for a full stage the piece goes
 * to the sink directly. */
static void out_stream(aw_out *o, const uint8_t *p, size_t n)
{
    if (o->cap < AW_STAGE_SIZE) {
        uint8_t *big = aw_malloc(o->a, AW_STAGE_SIZE);
        if (!big) {
            o->status = o->sink(o->ctx, p, n, o->err);
            return;
        }
        aw_free(o->a, o->stage, o->cap);
        o->stage = big;
        o->cap = AW_STAGE_SIZE;
    }
    while (n > 0 && o->status == ACEPACK_OK) {
        size_t k = n < o->cap ? n : o->cap;
        memcpy(o->stage, p, k);
        o->len = k;
        out_drain(o);
        p += k;
        n -= k;
    }
}

void aw_out_put(aw_out *o, const void *p, size_t n)
{
    if (o->status != ACEPACK_OK || n == 0)
        return;
    o->total += n;
    if (n <= o->cap - o->len) {
        memcpy(o->stage + o->len, p, n);
        o->len += n;
        return;
    }
    out_drain(o);
    if (o->status != ACEPACK_OK)
        return;
    if (n > AW_STAGE_SIZE && o->cap > 0) { /* cap 0: a stream without a stage */
        out_stream(o, p, n);
        return;
    }
    if (n >= o->cap / 2) {
        /* No larger than a full stage: copying it through one would make
         * the kernel read as many fresh pages as the piece itself. */
        o->status = o->sink(o->ctx, p, n, o->err);
        return;
    }
    memcpy(o->stage, p, n);
    o->len = n;
}

void aw_out_u32(aw_out *o, uint32_t v)
{
    uint8_t b[4];
    aw_put32(b, v);
    aw_out_put(o, b, 4);
}

void aw_out_u64(aw_out *o, uint64_t v)
{
    uint8_t b[8];
    aw_put64(b, v);
    aw_out_put(o, b, 8);
}

void aw_out_zeros(aw_out *o, size_t n)
{
    static const uint8_t zero[256] = {0};
    while (n > 0) {
        size_t k = n < sizeof zero ? n : sizeof zero;
        aw_out_put(o, zero, k);
        n -= k;
    }
}

void aw_out_dec(aw_out *o, uint64_t v)
{
    char d[20];
    unsigned k = aw_dec_format(v, d);
    aw_out_put(o, d, k);
}

void aw_out_json_string(aw_out *o, const uint8_t *p, size_t n)
{
    aw_out_put(o, "\"", 1);
    size_t run = 0; /* start of the pending run of bytes written as themselves */
    for (size_t i = 0; i < n; i++) {
        char e[AP_JSON_ESCAPE_MAX];
        size_t k = ap_json_escape(p[i], e);
        if (k == 0)
            continue;
        aw_out_put(o, p + run, i - run);
        aw_out_put(o, e, k);
        run = i + 1;
    }
    aw_out_put(o, p + run, n - run);
    aw_out_put(o, "\"", 1);
}

acepack_status aw_out_flush(aw_out *o)
{
    out_drain(o);
    return o->status;
}

/* Every WRITEBACK_STEP bytes the sink asks the system to start writing what
 * it has written so far (acepack_io.writeback): the device then works while
 * the rest of the file is produced, instead of only inside the final
 * fdatasync.  Measured on a migration of 100,000 log entries (15 MB): the
 * durable migration takes ~5 ms less (38.5 -> 33.6 ms, mean of 12 runs). */
#define WRITEBACK_STEP ((uint64_t)2 << 20)

acepack_status aw_sink_pwrite(void *ctx, const void *p, size_t n, acepack_error *err)
{
    aw_fd_sink *s = ctx;
    int e = aw_pwrite_all(s->io, s->fd, p, n, s->off);
    if (e)
        return aw_fail_io(err, e, "write failed");
    s->off += n;
    s->unhinted += n;
    if (s->unhinted >= WRITEBACK_STEP && s->io->writeback) {
        (void)s->io->writeback(s->io->ctx, s->fd, s->off - s->unhinted, s->unhinted);
        s->unhinted = 0;
    }
    return ACEPACK_OK;
}

acepack_status aw_sink_write(void *ctx, const void *p, size_t n, acepack_error *err)
{
    aw_fd_sink *s = ctx;
    int e = aw_write_all(s->io, s->fd, p, n);
    if (e)
        return aw_fail_io(err, e, "write failed");
    s->off += n;
    return ACEPACK_OK;
}

acepack_status aw_sink_callback(void *ctx, const void *p, size_t n, acepack_error *err)
{
    aw_cb_sink *s = ctx;
    if (s->fn(s->ctx, p, n) != 0)
        return aw_fail(err, ACEPACK_CALLBACK, NULL, 0, "the write callback failed");
    return ACEPACK_OK;
}

acepack_status aw_sink_mem(void *ctx, const void *p, size_t n, acepack_error *err)
{
    aw_mem_sink *s = ctx;
    if (n > s->cap - s->len)
        return aw_fail(err, ACEPACK_NOMEM, NULL, 0, "output buffer too small");
    memcpy(s->p + s->len, p, n);
    s->len += n;
    return ACEPACK_OK;
}
