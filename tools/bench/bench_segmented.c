/*
 * bench_segmented.c - the segmented event log (spec 3.7) side by side with
 * the plain layout, in one run on the same `events`-event store (issue 14):
 *
 *   seg_group_commit   10,000 events + one segmented commit on a copy of
 *                      the store   vs  the same commit without the option
 *                      (target >= 1,000,000 events/s);
 *   seg_commit_one     1 event + one segmented commit on the store  vs  1 event
 *                      + one commit on a new empty store (target <= 2x);
 *   commit_one_paused  the empty-store commit after as long a gap without I/O
 *                      as the large store's open took (the other baseline of
 *                      seg_commit_one: on the CI machine the first I/O after
 *                      a gap costs more, whoever does it);
 *   seg_commit_one_syscalls  the system calls of that commit alone (the same
 *                      bytes appended, two fdatasync, the header): the floor
 *                      any writer pays on this machine; `_paused` after the
 *                      same gap, and a sweep of gaps from 0 to 100 ms;
 *   seg_commit_one_steady  the same, for the commits after the first one of an
 *                      open store (a writer that stays open), both sides;
 *   seg_scan_kind,     count events of one kind / in the middle half of the
 *   seg_scan_time      time range over a 64-segment store holding the same
 *                      events, segment by segment through
 *                      acepack_event_segment() views  vs  the same loop over
 *                      the plain store's one section (target >= 80 %);
 *   seg_compaction     acepack_store_compact of the 64-segment store (MB/s of
 *                      the output; target >= 500 MB/s);
 *   *_crc              commits of 1 and 10,000 events, plain and segmented, on
 *                      the store with checksums (flag bit 0, spec 3.8)  vs  the
 *                      same commits without: the cost of W-CRC-* (no target).
 *
 * Each figure is the median of `iters` runs, wall time (CLOCK_MONOTONIC) and
 * the process's CPU time (CLOCK_PROCESS_CPUTIME_ID: other processes on the
 * machine inflate wall time, not CPU time; fdatasync waits count in neither
 * CPU figure).  Operation and baseline alternate run by run.
 *
 *   acepack_bench --only segmented [--events N] [--keys K] [--iters I] [--dir DIR]
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>

#include "bench.h"

#define GROUP 10000u
#define SEGS 64u
#define STEADY 8u /* timed commits per open store (seg_commit_one_steady) */

static uint64_t cpu_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

typedef struct fig {
    double *wall, *cpu;
    unsigned n;
} fig;

static void fig_init(fig *f, unsigned iters)
{
    f->wall = bench_xmalloc(sizeof(double) * iters);
    f->cpu = bench_xmalloc(sizeof(double) * iters);
    f->n = 0;
}

typedef struct clk {
    uint64_t w, c;
} clk;

static clk start(void)
{
    clk k = {bench_now_ns(), cpu_ns()};
    return k;
}

static void stop(fig *f, clk k)
{
    f->wall[f->n] = (double)(bench_now_ns() - k.w);
    f->cpu[f->n] = (double)(cpu_ns() - k.c);
    f->n++;
}

static double med(double *v, unsigned n)
{
    return bench_median(v, n);
}

/* Events from..from+n-1, made (their JSON payloads printed) before a clock
 * starts: the figures time the store's appends, not the bench's snprintf. */
static bench_event *make_events(uint32_t from, uint32_t n)
{
    bench_event *ev = bench_xmalloc(sizeof *ev * (n ? n : 1));
    for (uint32_t i = 0; i < n; i++)
        bench_make_event(from + i, &ev[i]);
    return ev;
}

static void append_made(acepack_store *st, const bench_event *ev, uint32_t n)
{
    acepack_error e;
    for (uint32_t i = 0; i < n; i++)
        bench_check(acepack_store_append(st, ev[i].ts, ev[i].kind, ev[i].source, ev[i].flags,
                                         ev[i].payload, ev[i].payload_len, NULL, &e),
                    &e, "acepack_store_append");
}

static void append_events(acepack_store *st, uint32_t from, uint32_t n)
{
    bench_event *ev = make_events(from, n);
    append_made(st, ev, n);
    free(ev);
}

static acepack_store *open_store_opt(const char *path, int segmented, int checksums, unsigned flags)
{
    acepack_store_options so;
    acepack_store *st;
    acepack_error e;
    memset(&so, 0, sizeof so);
    so.segmented = segmented;
    so.checksums = checksums;
    so.compact_ratio = 1000.0; /* the figures are about commits, not growth compactions */
    bench_check(acepack_store_open(path, flags, &so, &st, &e), &e, "acepack_store_open");
    return st;
}

static acepack_store *open_store(const char *path, int segmented, unsigned flags)
{
    return open_store_opt(path, segmented, 0, flags);
}

/* The store a run commits to (not timed): src's own work copy ("SRC.work",
 * kept between runs and reset by bench_reset_copy), or, when src is NULL, a
 * new empty store at `work`.  *open_ns: how long the open took (the reset
 * not included). */
static acepack_store *open_run_store(const char *src, const char *work, int segmented,
                                     int checksums, uint64_t *open_ns)
{
    char kept[4200];
    acepack_store *st;
    uint64_t t;
    if (!src) {
        unlink(work);
        t = bench_now_ns();
        st = open_store_opt(work, segmented, checksums, ACEPACK_STORE_CREATE);
    } else {
        snprintf(kept, sizeof kept, "%s.work", src);
        bench_reset_copy(src, kept);
        t = bench_now_ns();
        st = open_store_opt(kept, segmented, checksums, 0);
    }
    if (open_ns)
        *open_ns = bench_now_ns() - t;
    return st;
}

/* Waits `ns` without any I/O: the gap a large store's open leaves between
 * the last I/O (the reset's fsync) and its first commit. */
static void pause_ns(uint64_t ns)
{
    struct timespec d = {(time_t)(ns / 1000000000u), (long)(ns % 1000000000u)};
    while (nanosleep(&d, &d) != 0 && errno == EINTR)
        ; /* a signal cut it short: sleep the rest */
}

/* One commit of `n` events on a copy of src (bench_reset_copy; the reset and
 * the open are not timed), or on a new empty store when src is NULL; after
 * the open, a pause of `pause` ns without I/O (untimed) before the commit.
 * Returns how long the open took. */
static uint64_t commit_run_opt(const char *src, const char *work, int segmented, int checksums,
                               uint32_t from, uint32_t n, uint64_t pause, fig *f)
{
    acepack_error e;
    uint64_t open_ns = 0;
    bench_event *ev = make_events(from, n);
    acepack_store *st = open_run_store(src, work, segmented, checksums, &open_ns);
    if (pause)
        pause_ns(pause);
    clk k = start();
    append_made(st, ev, n);
    bench_check(acepack_store_commit(st, &e), &e, "acepack_store_commit");
    stop(f, k);
    bench_check(acepack_store_close(st, &e), &e, "close");
    free(ev);
    return open_ns;
}

static uint64_t commit_run(const char *src, const char *work, int segmented, uint32_t from,
                           uint32_t n, fig *f)
{
    return commit_run_opt(src, work, segmented, 0, from, n, 0, f);
}

/* The system calls of a one-event segmented commit, without the writer:
 * `n` bytes (what the commit appends: the new segment, the table, the index)
 * written after the end of a reset copy of src, fdatasync, the 128-byte
 * header at offset 0 (the copy's own, so the file stays what it was),
 * fdatasync: W-COMMIT-2's steps with the bytes the format asks for.  What a
 * commit costs above this is the writer's; this much is the machine's. */
static void syscalls_run(const char *src, uint64_t n, uint64_t pause, fig *f)
{
    char kept[4200];
    uint8_t h[128];
    snprintf(kept, sizeof kept, "%s.work", src);
    bench_reset_copy(src, kept);
    uint64_t end = bench_file_size(kept);
    uint8_t *body = bench_xmalloc((size_t)n);
    memset(body, 0x5a, (size_t)n);
    int fd = open(kept, O_RDWR);
    if (fd < 0 || pread(fd, h, sizeof h, 0) != (ssize_t)sizeof h)
        bench_die("%s: cannot read its header", kept);
    if (pause)
        pause_ns(pause);
    clk t = start();
    if (pwrite(fd, body, (size_t)n, (off_t)end) != (ssize_t)n || fdatasync(fd) != 0 ||
        pwrite(fd, h, sizeof h, 0) != (ssize_t)sizeof h || fdatasync(fd) != 0)
        bench_die("%s: write failed", kept);
    stop(f, t);
    close(fd);
    free(body);
}

/* `n` one-event commits timed one by one on a store that is already open and
 * has committed once since it was opened (that first commit, untimed, pays
 * what is paid once per open: the file system's first allocation for the
 * file after the copy, and on this VM the first I/O after the open's long
 * gap without I/O, see gap_sweep and tools/bench/README.md): the cost of
 * each further commit of a writer that stays open. */
static void steady_run(const char *src, const char *work, int segmented, uint32_t from, unsigned n,
                       fig *f)
{
    acepack_error e;
    acepack_store *st = open_run_store(src, work, segmented, 0, NULL);
    append_events(st, from, 1);
    bench_check(acepack_store_commit(st, &e), &e, "acepack_store_commit");
    bench_event *ev = make_events(from + 1, n);
    for (unsigned k = 0; k < n; k++) {
        clk t = start();
        append_made(st, &ev[k], 1);
        bench_check(acepack_store_commit(st, &e), &e, "acepack_store_commit");
        stop(f, t);
    }
    bench_check(acepack_store_close(st, &e), &e, "close");
    free(ev);
}

/* The same store with flag bit 0 (spec 3.8): src compacted by a store opened
 * with checksums, so that its commits extend CRCs the file already has (the
 * steady state of W-CRC-1..2, not the first commit that adds them). */
static void gen_checksummed(const char *src, const char *path)
{
    acepack_error e;
    bench_copy_file(src, path);
    acepack_store *st = open_store_opt(path, 0, 1, 0);
    bench_check(acepack_store_compact(st, &e), &e, "acepack_store_compact");
    bench_check(acepack_store_close(st, &e), &e, "close");
}

/* Commits of 1 and of 10,000 events on the store, plain and segmented, each
 * without and with checksums, alternating run by run: the cost of W-CRC-*. */
static void crc_figures(const bench_opts *o, const char *src, const char *crc_src, const char *work)
{
    static const uint32_t sizes[2] = {1, GROUP};
    printf("\ncommits with checksums (flag bit 0, spec 3.8; the store already has them) beside "
           "the same commits without, %u events, %u keys, medians of %u runs\n\n",
           (unsigned)o->events, (unsigned)o->keys, o->iters);
    printf("| commit | without checksums | with checksums | cost of the checksums (wall; cpu) "
           "|\n|---|---|---|---|\n");
    for (int seg = 1; seg >= 0; seg--) {
        for (int z = 0; z < 2; z++) {
            fig a, b;
            fig_init(&a, o->iters);
            fig_init(&b, o->iters);
            for (unsigned k = 0; k < o->iters; k++) {
                commit_run_opt(src, work, seg, 0, o->events, sizes[z], 0, &a);
                commit_run_opt(crc_src, work, seg, 1, o->events, sizes[z], 0, &b);
            }
            double w = med(a.wall, a.n), c = med(a.cpu, a.n);
            double bw = med(b.wall, b.n), bc = med(b.cpu, b.n);
            printf("| %s commit of %u event%s (%s_crc) | %.3f ms (cpu %.3f ms) | %.3f ms (cpu "
                   "%.3f ms) | %+.3f ms, %+.1f %% (cpu %+.3f ms, %+.1f %%) |\n",
                   seg ? "segmented" : "plain", (unsigned)sizes[z], sizes[z] > 1 ? "s" : "",
                   z ? (seg ? "seg_group_commit" : "group_commit")
                     : (seg ? "seg_commit_one" : "commit_one"),
                   w / 1e6, c / 1e6, bw / 1e6, bc / 1e6, (bw - w) / 1e6, 100.0 * (bw - w) / w,
                   (bc - c) / 1e6, 100.0 * (bc - c) / c);
            free(a.wall), free(a.cpu), free(b.wall), free(b.cpu);
        }
    }
}

/* The 64-segment store of the same events as the plain store: keys in the
 * first commit, then 64 segmented commits of events/64 events each. */
static void gen_segmented(const char *path, const bench_opts *o)
{
    acepack_error e;
    uint8_t *val = bench_xmalloc(BENCH_VALUE_MAX + 16);
    char key[256];
    unlink(path);
    acepack_store *st = open_store(path, 1, ACEPACK_STORE_CREATE);
    for (uint32_t i = 0; i < o->keys; i++) {
        size_t kn = bench_kv_key(i, key), vn = bench_kv_value(i, val);
        bench_check(acepack_store_put(st, key, kn, val, vn, &e), &e, "put");
    }
    uint32_t done = 0;
    for (uint32_t g = 0; g < SEGS; g++) {
        uint32_t n = (o->events - done) / (SEGS - g);
        append_events(st, done, n);
        done += n;
        bench_check(acepack_store_commit(st, &e), &e, "commit");
    }
    bench_check(acepack_store_close(st, &e), &e, "close");
    free(val);
}

typedef struct scan_ctx {
    acepack_reader r;
    uint8_t kind;
    uint64_t lo, hi;
} scan_ctx;

/* The per-section loops, shared by both sides and kept out of line, so that
 * the plain and the segmented scan run the very same machine code per event
 * (inlined copies of one loop in two places get different code placement,
 * which alone moved the ratio by a third on the quiet machine). */
#if defined(__GNUC__)
#define BENCH_NOINLINE __attribute__((noinline))
#else
#define BENCH_NOINLINE
#endif

BENCH_NOINLINE static size_t count_kind(const acepack_reader *v, uint8_t kind)
{
    uint32_t n = acepack_event_count(v);
    size_t hits = 0;
    for (uint32_t i = 0; i < n; i++)
        hits += acepack_event_kind(v, i) == kind;
    return hits;
}

BENCH_NOINLINE static size_t count_time(const acepack_reader *v, uint64_t lo, uint64_t hi)
{
    uint32_t n = acepack_event_count(v);
    size_t hits = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint64_t ts = acepack_event_ts(v, i);
        hits += ts >= lo && ts < hi;
    }
    return hits;
}

/* Segment by segment through acepack_event_segment() views (spec 3.7: scans
 * run column by column inside each segment).  A plain file has one segment,
 * its event section, so both stores go through this same path: the only
 * difference measured is 64 segments against 1. */
static size_t scan(const scan_ctx *c, int by_time)
{
    size_t hits = 0;
    uint32_t ns = acepack_event_segment_count(&c->r);
    for (uint32_t s = 0; s < ns; s++) {
        acepack_reader v;
        acepack_event_segment(&c->r, s, NULL, &v);
        hits += by_time ? count_time(&v, c->lo, c->hi) : count_kind(&v, c->kind);
    }
    return hits;
}

static void open_scan(scan_ctx *c, const acepack_mapping *m)
{
    acepack_error e;
    bench_check(acepack_open(&c->r, m->data, m->size, ACEPACK_STRICT, &e), &e, "acepack_open");
    uint32_t n = acepack_event_count(&c->r);
    c->kind = 3;
    c->lo = n ? acepack_event_ts(&c->r, n / 4) : 0;
    c->hi = n ? acepack_event_ts(&c->r, n - n / 4 - 1) : 0;
}

/* The same system calls (syscalls_run) after gaps of 0, 1, 10 and 100 ms
 * without I/O: what a gap alone costs on this machine, whoever commits. */
static void gap_sweep(const char *src, uint64_t n, unsigned it)
{
    static const unsigned ms[4] = {0, 1, 10, 100};
    fig f[4];
    for (unsigned g = 0; g < 4; g++)
        fig_init(&f[g], it);
    for (unsigned k = 0; k < it; k++) /* gaps interleaved: a slow moment of the disk hits all */
        for (unsigned g = 0; g < 4; g++)
            syscalls_run(src, n, (uint64_t)ms[g] * 1000000u, &f[g]);
    printf("| the commit's system calls alone (%llu bytes, two fdatasync) after a gap of | "
           "0 ms | 1 ms | 10 ms | 100 ms |\n|---|---|---|---|---|\n| median wall (cpu) |",
           (unsigned long long)n);
    for (unsigned g = 0; g < 4; g++) {
        printf(" %.3f ms (%.3f) |", med(f[g].wall, f[g].n) / 1e6, med(f[g].cpu, f[g].n) / 1e6);
        free(f[g].wall), free(f[g].cpu);
    }
    printf("\n");
}

/* One row: op against base; line() then frees op's figures (base is used again). */
static void line_keep(const char *name, const fig *op, const char *base_name, const fig *base,
                      double items, double bytes, const char *target)
{
    double w = med(op->wall, op->n), c = med(op->cpu, op->n);
    double bw = med(base->wall, base->n), bc = med(base->cpu, base->n);
    printf("| %s | %.3f ms (cpu %.3f ms)", name, w / 1e6, c / 1e6);
    if (items > 0)
        printf(", %.0f events/s (cpu %.0f)", items / (w / 1e9), items / (c / 1e9));
    if (bytes > 0)
        printf(", %.0f MB/s (cpu %.0f)", bytes / (w / 1e3), bytes / (c / 1e3));
    printf(" | %s: %.3f ms (cpu %.3f ms) | %.3f (cpu %.3f) | %s |\n", base_name, bw / 1e6, bc / 1e6,
           bw / w, bc / c, target);
}

static void line(const char *name, fig *op, const char *base_name, fig *base, double items,
                 double bytes, const char *target)
{
    line_keep(name, op, base_name, base, items, bytes, target);
    free(op->wall);
    free(op->cpu);
}

void bench_segmented(const bench_opts *o)
{
    char src[4096], seg[4096], work[4096];
    acepack_error e;
    unsigned it = o->iters;
    snprintf(src, sizeof src, "%s/v2-e%u-k%u.ace", o->dir, (unsigned)o->events, (unsigned)o->keys);
    snprintf(seg, sizeof seg, "%s/seg64-e%u-k%u.ace", o->dir, (unsigned)o->events,
             (unsigned)o->keys);
    snprintf(work, sizeof work, "%s/segwork.ace", o->dir);
    bench_gen_v2(src, o->events, o->keys);
    gen_segmented(seg, o);

    printf("segmented event log (spec 3.7), %u events, %u keys, medians of %u runs; ratio = "
           "baseline time / figure time (wall, cpu)\n\n",
           (unsigned)o->events, (unsigned)o->keys, it);
    printf(
        "| figure | segmented | baseline (same run) | ratio | target |\n|---|---|---|---|---|\n");

    fig a, b;
    fig_init(&a, it);
    fig_init(&b, it);
    for (unsigned k = 0; k < it; k++) {
        commit_run(src, work, 1, o->events, GROUP, &a);
        commit_run(src, work, 0, o->events, GROUP, &b);
    }
    line("group commit 10,000 events (seg_group_commit)", &a, "plain commit", &b, GROUP, 0,
         ">= 1,000,000 events/s");
    free(b.wall), free(b.cpu);

    /* The first commit after an open.  The large store's open (strict
     * validation and load, 0.3 s on the CI machine) does no I/O, and there the
     * first I/O after such a gap costs more whoever does it (gap_sweep,
     * tools/bench/README.md): the `_paused` rows give the empty store and the
     * bare system calls the same gap before their commit, as long as this
     * iteration's open took. */
    fig c, d, g, gaps;
    fig_init(&gaps, it);
    fig_init(&a, it);
    fig_init(&b, it);
    fig_init(&c, it);
    fig_init(&d, it);
    fig_init(&g, it);
    uint64_t appended = 0;
    for (unsigned k = 0; k < it; k++) {
        char kept[4200];
        uint64_t gap = commit_run(src, work, 1, o->events, 1, &a);
        gaps.wall[gaps.n++] = (double)gap;
        snprintf(kept, sizeof kept, "%s.work", src);
        appended = bench_file_size(kept) - bench_file_size(src);
        commit_run(NULL, work, 0, 0, 1, &b);
        commit_run_opt(NULL, work, 0, 0, 0, 1, gap, &d);
        syscalls_run(src, appended, 0, &c);
        syscalls_run(src, appended, gap, &g);
    }
    line_keep("commit of 1 event (seg_commit_one)", &a, "1 event on an empty store", &b, 0, 0,
              "<= 2x the empty-store time (ratio >= 0.5)");
    line("the same (seg_commit_one)", &a,
         "1 event on an empty store after the same gap without I/O (commit_one_paused)", &d, 0, 0,
         "<= 2x the empty-store time (ratio >= 0.5)");
    char what[160];
    snprintf(what, sizeof what,
             "its system calls alone, the same %llu bytes (seg_commit_one_syscalls)",
             (unsigned long long)appended);
    line(what, &c, "1 event on an empty store", &b, 0, 0,
         "none: a ratio < 0.5 puts the target out of reach on this machine");
    line("the same system calls after the gap (seg_commit_one_syscalls_paused)", &g,
         "1 event on an empty store after the same gap (commit_one_paused)", &d, 0, 0,
         "none: the machine's cost of the gap");
    free(b.wall), free(b.cpu), free(d.wall), free(d.cpu);
    printf("\nthe gap: the open of the %u-event store (validation and load, no I/O) took "
           "%.1f ms (median)\n\n",
           (unsigned)o->events, med(gaps.wall, gaps.n) / 1e6);
    free(gaps.wall), free(gaps.cpu);
    gap_sweep(src, appended, it);
    printf(
        "\n| figure | segmented | baseline (same run) | ratio | target |\n|---|---|---|---|---|\n");

    /* STEADY commits per open store, `it` opens of each store, alternating.
     * The segmented store gains one segment per commit: 1 + STEADY stays far
     * below W-SEG-3's 64, so no commit here compacts. */
    fig_init(&a, it * STEADY);
    fig_init(&b, it * STEADY);
    for (unsigned k = 0; k < it; k++) {
        steady_run(src, work, 1, o->events, STEADY, &a);
        steady_run(NULL, work, 0, 0, STEADY, &b);
    }
    line("commit of 1 event, store open and committed once (seg_commit_one_steady)", &a,
         "the same on an empty store", &b, 0, 0, "<= 2x the empty-store time (ratio >= 0.5)");
    free(b.wall), free(b.cpu);

    acepack_mapping mp, ms;
    bench_check(acepack_map_file(src, &mp, &e), &e, src);
    bench_check(acepack_map_file(seg, &ms, &e), &e, seg);
    scan_ctx cp, cs;
    open_scan(&cp, &mp);
    open_scan(&cs, &ms);
    if (acepack_event_segment_count(&cs.r) != SEGS || acepack_event_count(&cs.r) != o->events)
        bench_die("the segmented store does not hold %u segments of %u events", SEGS,
                  (unsigned)o->events);
    volatile size_t sink = 0;
    size_t h1 = 0, h2 = 0;
    for (int which = 0; which < 2; which++) {
        fig_init(&a, it);
        fig_init(&b, it);
        for (unsigned k = 0; k < it + 1; k++) { /* the first run warms the caches */
            fig *fa = k ? &a : NULL, *fb = k ? &b : NULL;
            fig dummy;
            double dw[1], dc[1];
            dummy.wall = dw, dummy.cpu = dc, dummy.n = 0;
            clk t = start();
            h1 = scan(&cs, which);
            stop(fa ? fa : &dummy, t);
            dummy.n = 0;
            t = start();
            h2 = scan(&cp, which);
            stop(fb ? fb : &dummy, t);
            sink += h1 + h2;
        }
        if (h1 != h2)
            bench_die("segmented scan found %zu events, plain %zu", h1, h2);
        line(which ? "scan by time range, 64 segments (seg_scan_time)"
                   : "scan by kind, 64 segments (seg_scan_kind)",
             &a, "plain section", &b, o->events, 0, ">= 80 % of plain (ratio >= 0.8)");
        free(b.wall), free(b.cpu);
    }
    (void)sink;
    acepack_unmap(&mp);
    acepack_unmap(&ms);

    fig_init(&a, it);
    fig_init(&b, it);
    uint64_t out = 0;
    for (unsigned k = 0; k < it; k++) {
        bench_copy_file(seg, work);
        acepack_store *st = open_store(work, 1, 0);
        clk t = start();
        bench_check(acepack_store_compact(st, &e), &e, "acepack_store_compact");
        stop(&a, t);
        bench_check(acepack_store_close(st, &e), &e, "close");
        out = bench_file_size(work);
        uint8_t *buf = bench_xmalloc((size_t)out);
        memset(buf, 0x5a, (size_t)out);
        t = start();
        bench_disk_write_ns(o->dir, buf, (size_t)out);
        stop(&b, t);
        free(buf);
    }
    line("compaction of the 64-segment store (seg_compaction)", &a,
         "write+fdatasync of as many bytes", &b, 0, (double)out, ">= 500 MB/s");
    free(b.wall), free(b.cpu);

    char crc_src[4096];
    snprintf(crc_src, sizeof crc_src, "%s/v2crc-e%u-k%u.ace", o->dir, (unsigned)o->events,
             (unsigned)o->keys);
    gen_checksummed(src, crc_src);
    crc_figures(o, src, crc_src, work);
    char kept[4200];
    snprintf(kept, sizeof kept, "%s.work", crc_src);
    unlink(kept);
    snprintf(kept, sizeof kept, "%s.work", src);
    unlink(kept);
    unlink(crc_src);
    unlink(work);
}
