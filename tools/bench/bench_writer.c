/*
 * bench_writer.c - the writer figures: crash-safe commit of one event on the
 * `events`-event store, group commit of 10,000 events, compaction, and v1 to
 * v2 migration of a store with `v1_entries` log entries.
 *
 * Every run starts from a fresh durable copy of the generated store (the copy
 * is not timed), so that each commit sees the same file: a commit appends a
 * whole event section (spec 9.1, 12.5), and runs on one file would grow it
 * and trigger compactions (W-COMPACT-2) at some runs and not others.
 *
 * Baselines, per run, over the same number of bytes the operation writes:
 * write + fdatasync of a new file in the same directory (the disk limit),
 * and a memchr pass (the memory limit).
 */
#define _POSIX_C_SOURCE 200809L

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

#define GROUP 10000u

typedef struct wctx {
    const bench_opts *o;
    char src[4096];  /* the generated store */
    char work[4096]; /* the copy a run modifies */
    acepack_mapping m;
    uint8_t *base; /* bytes for the baselines (grown on demand) */
    size_t base_size;
} wctx;

typedef struct samples {
    double *t, *disk, *mem;
    double bytes; /* bytes written by the last run */
    unsigned n;
} samples;

static void samples_init(samples *s, unsigned iters)
{
    s->t = bench_xmalloc(sizeof(double) * iters);
    s->disk = bench_xmalloc(sizeof(double) * iters);
    s->mem = bench_xmalloc(sizeof(double) * iters);
    s->n = 0;
    s->bytes = 0;
}

/* Records one run of `ns` that wrote `bytes`, and times the baselines over
 * as many bytes of the mapped source store. */
static void samples_add(samples *s, wctx *w, double ns, uint64_t bytes)
{
    bench_region rg;
    uint64_t t0;
    size_t n = (size_t)bytes;
    volatile size_t sink;
    if (n > w->base_size) { /* the store's bytes, repeated: realistic content */
        size_t k;
        free(w->base);
        w->base = bench_xmalloc(n);
        w->base_size = n;
        for (k = 0; k < n; k += w->m.size)
            memcpy(w->base + k, w->m.data, n - k < w->m.size ? n - k : w->m.size);
    }
    rg.p = w->base;
    rg.n = n;
    s->t[s->n] = ns;
    s->disk[s->n] = (double)bench_disk_write_ns(w->o->dir, w->base, n);
    t0 = bench_now_ns();
    sink = bench_memchr_pass(&rg, 1, 0xFF);
    (void)sink;
    s->mem[s->n] = (double)(bench_now_ns() - t0);
    s->bytes = (double)bytes;
    s->n++;
}

static void samples_report(const bench_opts *o, samples *s, bench_result *res)
{
    res->median_ns = bench_median(s->t, s->n);
    res->disk_ns = bench_median(s->disk, s->n);
    res->memchr_ns = bench_median(s->mem, s->n);
    res->bytes = s->bytes;
    res->runs = s->n;
    bench_report(o, res);
    free(s->t);
    free(s->disk);
    free(s->mem);
}

static acepack_store *open_fresh_copy(wctx *w, acepack_store_info *info)
{
    acepack_store *st;
    acepack_error e;
    bench_copy_file(w->src, w->work);
    bench_check(acepack_store_open(w->work, 0, NULL, &st, &e), &e, "acepack_store_open");
    acepack_store_get_info(st, info);
    return st;
}

static void append_event(acepack_store *st, uint32_t i)
{
    bench_event ev;
    acepack_error e;
    bench_make_event(i, &ev);
    bench_check(acepack_store_append(st, ev.ts, ev.kind, ev.source, ev.flags, ev.payload,
                                     ev.payload_len, NULL, &e),
                &e, "acepack_store_append");
}

static void commit_figures(wctx *w, bench_result *res)
{
    samples s, g;
    unsigned k;
    uint64_t compactions = 0;
    acepack_error e;

    samples_init(&s, w->o->iters);
    samples_init(&g, w->o->iters);
    for (k = 0; k < w->o->iters; k++) {
        acepack_store_info before, after;
        acepack_store *st = open_fresh_copy(w, &before);
        uint64_t t0 = bench_now_ns(), t1;
        uint32_t i;
        append_event(st, (uint32_t)before.event_count);
        bench_check(acepack_store_commit(st, &e), &e, "acepack_store_commit");
        t1 = bench_now_ns();
        acepack_store_get_info(st, &after);
        compactions += after.compactions;
        bench_check(acepack_store_close(st, &e), &e, "close");
        samples_add(&s, w, (double)(t1 - t0), after.file_size - before.file_size + 128u);

        st = open_fresh_copy(w, &before);
        t0 = bench_now_ns();
        for (i = 0; i < GROUP; i++)
            append_event(st, (uint32_t)before.event_count + i);
        bench_check(acepack_store_commit(st, &e), &e, "acepack_store_commit");
        t1 = bench_now_ns();
        acepack_store_get_info(st, &after);
        compactions += after.compactions;
        bench_check(acepack_store_close(st, &e), &e, "close");
        samples_add(&g, w, (double)(t1 - t0), after.file_size - before.file_size + 128u);
    }
    res->name = "commit_one";
    res->what = "append 1 event + acepack_store_commit (2 fdatasync), fresh copy each run";
    res->items = 0;
    samples_report(w->o, &s, res);
    res->name = "group_commit";
    res->what = "append 10,000 events + one acepack_store_commit (events/s)";
    res->items = GROUP;
    res->item_unit = "event";
    samples_report(w->o, &g, res);
    bench_report_value(w->o, "commit_compactions", "compactions during those commits",
                       (double)compactions, "");
}

static void group_commit_empty(wctx *w)
{
    samples g;
    bench_result res;
    unsigned k;
    acepack_error e;
    memset(&res, 0, sizeof res);
    samples_init(&g, w->o->iters);
    for (k = 0; k < w->o->iters; k++) {
        acepack_store *st;
        acepack_store_info info;
        uint64_t t0, t1;
        uint32_t i;
        unlink(w->work);
        bench_check(acepack_store_open(w->work, ACEPACK_STORE_CREATE, NULL, &st, &e), &e,
                    "acepack_store_open (create)");
        t0 = bench_now_ns();
        for (i = 0; i < GROUP; i++)
            append_event(st, i);
        bench_check(acepack_store_commit(st, &e), &e, "acepack_store_commit");
        t1 = bench_now_ns();
        acepack_store_get_info(st, &info);
        bench_check(acepack_store_close(st, &e), &e, "close");
        samples_add(&g, w, (double)(t1 - t0), info.file_size);
    }
    res.name = "group_commit_empty";
    res.what = "append 10,000 events + one commit on a new empty store (events/s)";
    res.items = GROUP;
    res.item_unit = "event";
    samples_report(w->o, &g, &res);
}

static void compaction_figure(wctx *w, bench_result *res)
{
    samples s;
    unsigned k;
    acepack_error e;
    samples_init(&s, w->o->iters);
    for (k = 0; k < w->o->iters; k++) {
        acepack_store_info before, after;
        acepack_store *st = open_fresh_copy(w, &before);
        uint64_t t0, t1;
        /* one commit first, so there is dead space (the old section) to drop */
        append_event(st, (uint32_t)before.event_count);
        bench_check(acepack_store_commit(st, &e), &e, "acepack_store_commit");
        t0 = bench_now_ns();
        bench_check(acepack_store_compact(st, &e), &e, "acepack_store_compact");
        t1 = bench_now_ns();
        acepack_store_get_info(st, &after);
        bench_check(acepack_store_close(st, &e), &e, "close");
        samples_add(&s, w, (double)(t1 - t0), after.file_size);
    }
    res->name = "compaction";
    res->what = "acepack_store_compact after one commit (MB/s of output file)";
    res->items = 0;
    samples_report(w->o, &s, res);
}

static int count_sink(void *ctx, const void *p, size_t n)
{
    (void)p;
    *(uint64_t *)ctx += n;
    return 0;
}

/* Writes everything to the fd, as the JS store's writeFileSync does. */
static int fd_sink(void *ctx, const void *p, size_t n)
{
    int fd = *(const int *)ctx;
    const char *c = p;
    while (n > 0) {
        ssize_t k = write(fd, c, n);
        if (k <= 0)
            return -1;
        c += k;
        n -= (size_t)k;
    }
    return 0;
}

static void migration_figures(wctx *w)
{
    char v1[4096], out[4096];
    acepack_mapping vm;
    acepack_error e;
    acepack_migrate_report rep;
    bench_result res;
    samples a, b, c;
    unsigned k;

    snprintf(v1, sizeof v1, "%s/v1-n%u-k%u.ace", w->o->dir, (unsigned)w->o->v1_entries,
             (unsigned)w->o->keys);
    snprintf(out, sizeof out, "%s/migrated.ace", w->o->dir);
    bench_gen_v1(v1, w->o->v1_entries, w->o->keys);
    bench_check(acepack_map_file(v1, &vm, &e), &e, v1);
    samples_init(&a, w->o->iters);
    samples_init(&b, w->o->iters);
    samples_init(&c, w->o->iters);
    for (k = 0; k < w->o->iters; k++) {
        uint64_t n = 0, t0, t1;
        t0 = bench_now_ns();
        bench_check(acepack_migrate_bytes(vm.data, vm.size, NULL, count_sink, &n, &rep, &e), &e,
                    "acepack_migrate_bytes");
        t1 = bench_now_ns();
        samples_add(&a, w, (double)(t1 - t0), n);

        unlink(out);
        t0 = bench_now_ns();
        bench_check(acepack_migrate_path(v1, out, NULL, &rep, &e), &e, "acepack_migrate_path");
        t1 = bench_now_ns();
        samples_add(&b, w, (double)(t1 - t0), bench_file_size(out));

        /* the work of the JS store's migration: map the v1 file, write the v2
         * file through the page cache, no fsync, no rename */
        unlink(out);
        t0 = bench_now_ns();
        {
            acepack_mapping in;
            int fd;
            bench_check(acepack_map_file(v1, &in, &e), &e, v1);
            fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
            if (fd < 0)
                bench_die("cannot create %s", out);
            bench_check(acepack_migrate_bytes(in.data, in.size, NULL, fd_sink, &fd, &rep, &e), &e,
                        "acepack_migrate_bytes to a file");
            close(fd);
            acepack_unmap(&in);
        }
        t1 = bench_now_ns();
        samples_add(&c, w, (double)(t1 - t0), bench_file_size(out));
    }
    if (rep.events_from_entries != w->o->v1_entries || rep.gap_events != 0)
        bench_die("migration: %llu events from entries, %llu gaps",
                  (unsigned long long)rep.events_from_entries, (unsigned long long)rep.gap_events);
    memset(&res, 0, sizeof res);
    res.events = w->o->v1_entries;
    res.keys = w->o->keys;
    res.items = w->o->v1_entries;
    res.item_unit = "entry";
    res.name = "migrate_bytes";
    res.what = "acepack_migrate_bytes v1 -> v2 in memory (bytes = output)";
    samples_report(w->o, &a, &res);
    res.name = "migrate_path";
    res.what = "acepack_migrate_path v1 -> new durable v2 file (tmp, fsync, rename, dir fsync)";
    samples_report(w->o, &b, &res);
    res.name = "migrate_file_nosync";
    res.what =
        "map v1 + acepack_migrate_bytes written to a new file, no fsync (what the JS store does)";
    samples_report(w->o, &c, &res);
    bench_report_value(w->o, "v1_file", "v1 store size", (double)vm.size, "bytes");
    acepack_unmap(&vm);
    unlink(out);
}

void bench_writer(const bench_opts *o)
{
    wctx w;
    acepack_error e;
    bench_result res;
    memset(&w, 0, sizeof w);
    w.o = o;
    snprintf(w.src, sizeof w.src, "%s/v2-e%u-k%u.ace", o->dir, (unsigned)o->events,
             (unsigned)o->keys);
    snprintf(w.work, sizeof w.work, "%s/work.ace", o->dir);
    bench_gen_v2(w.src, o->events, o->keys);
    bench_check(acepack_map_file(w.src, &w.m, &e), &e, w.src);

    memset(&res, 0, sizeof res);
    res.events = o->events;
    res.keys = o->keys;
    commit_figures(&w, &res);
    group_commit_empty(&w);
    compaction_figure(&w, &res);
    migration_figures(&w);

    unlink(w.work);
    free(w.base);
    acepack_unmap(&w.m);
}
