/*
 * bench.h - declarations shared by the sources of `acepack_bench`, the
 * performance benchmark of libacepack (tools/bench/README.md).
 *
 * The bench generates its stores deterministically (fixed seeds), so two runs
 * on two machines measure the same bytes.  Every figure is the MEDIAN of
 * several runs and is printed beside a baseline taken in the same run over the
 * same bytes: a memchr pass (the memory-bandwidth limit) for the reader, and
 * additionally a write + fdatasync of the same bytes (the disk limit) for the
 * writer.
 */
#ifndef ACEPACK_BENCH_H
#define ACEPACK_BENCH_H

#include <stddef.h>
#include <stdint.h>

#include "acepack.h"

#if defined(__GNUC__)
#define BENCH_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define BENCH_NORETURN __attribute__((noreturn))
#else
#define BENCH_PRINTF(f, a)
#define BENCH_NORETURN
#endif

/* ------------------------------------------------------------------------
 * Options (bench_main.c)
 * ------------------------------------------------------------------------ */

typedef struct bench_opts {
    uint32_t events;      /* events of the v2 store */
    uint32_t keys;        /* KV keys of ~1 KiB */
    uint32_t lookup_keys; /* keys of the store used for the lookup figures */
    uint32_t v1_entries;  /* log entries of the v1 store (migration) */
    unsigned iters;       /* runs per figure; the median is reported */
    const char *dir;      /* where the stores are generated (a real disk: fsync matters) */
    int json;             /* also print one JSON object per figure */
    int check;            /* fail when the parse path allocates (smoke test) */
} bench_opts;

typedef struct bench_result bench_result;

/* ------------------------------------------------------------------------
 * Utilities (bench_util.c, bench_measure.c)
 * ------------------------------------------------------------------------ */

BENCH_NORETURN void bench_die(const char *fmt, ...) BENCH_PRINTF(1, 2);
/* Dies with the library error when st != ACEPACK_OK. */
void bench_check(acepack_status st, const acepack_error *e, const char *what);
void *bench_xmalloc(size_t n);

/* Monotonic clock in nanoseconds. */
uint64_t bench_now_ns(void);
/* Median of v[0..n) (sorts v in place; n >= 1). */
double bench_median(double *v, size_t n);

/* Deterministic PRNG (splitmix64). */
typedef struct bench_rng {
    uint64_t s;
} bench_rng;
uint64_t bench_rand(bench_rng *r);

/* The byte value that occurs least often in the regions (never if possible),
 * so that the memchr baseline scans every byte. */
typedef struct bench_region {
    const uint8_t *p;
    size_t n;
} bench_region;
int bench_rare_byte(const bench_region *rg, size_t nrg);
/* One memchr pass over the regions looking for byte c; returns the number of
 * hits (kept so the compiler cannot drop the pass). */
size_t bench_memchr_pass(const bench_region *rg, size_t nrg, int c);
size_t bench_region_bytes(const bench_region *rg, size_t nrg);

/* An operation to time; returns something derived from its work so that the
 * compiler cannot drop it. */
typedef size_t (*bench_op)(void *ctx);
/* The memchr baseline as a bench_op: ctx is a bench_memchr_ctx. */
typedef struct bench_memchr_ctx {
    const bench_region *rg;
    size_t nrg;
    int c; /* from bench_rare_byte() */
} bench_memchr_ctx;
size_t bench_memchr_op(void *ctx);
/* Times `op` and the baseline `base` (NULL: none) o->iters times, alternating,
 * after one untimed run of each (page faults and cold caches are not the
 * operation); stores the medians in res->median_ns and res->memchr_ns and
 * sets res->runs. */
void bench_measure(const bench_opts *o, bench_op op, void *ctx, bench_op base, void *bctx,
                   bench_result *res);

/* Median ns of one dependent random read (pointer chase) in a buffer of
 * `bytes` bytes: the memory-latency limit of a lookup in that much memory. */
double bench_latency_ns(size_t bytes, unsigned iters);

/* Writes n bytes at fd (whole), dies on error. */
void bench_write_all(int fd, const void *p, size_t n, const char *what);
/* Copies a file and makes the copy durable (not timed by callers). */
void bench_copy_file(const char *from, const char *to);
/* `to` as a durable copy of `from`: the first time (or when `to` is another
 * file now, e.g. renamed over by a compaction) a copy; after that the
 * source's header and size written back, which undoes any number of
 * commits (they never modify committed bytes, spec W-COMMIT-1) without
 * rewriting the whole store, so that a figure's runs do not drain the
 * disk's I/O budget (a VM's rate limiter) with copies. */
void bench_reset_copy(const char *from, const char *to);
uint64_t bench_file_size(const char *path);
/* Time in ns of writing n bytes of p to a new file in dir (through one
 * 256 KiB buffer) + fdatasync: the disk-bandwidth limit of a commit that
 * writes the same bytes. */
uint64_t bench_disk_write_ns(const char *dir, const uint8_t *p, size_t n);

/* ------------------------------------------------------------------------
 * Results (bench_report.c)
 * ------------------------------------------------------------------------ */

/* One reported figure.  `bytes` is what the operation must touch (0 when a
 * rate in bytes means nothing); `items` what "per item" refers to (events,
 * keys, lookups; 0 for none). */
struct bench_result {
    const char *name; /* short id, e.g. "open", "validate_strict" */
    const char *what; /* one line for humans */
    uint64_t events, keys;
    double median_ns; /* median time of one run */
    double bytes;     /* bytes the operation touches (baseline covers the same) */
    double items;     /* items per run, for ns/item or items/s */
    const char *item_unit;
    double memchr_ns;  /* median of the memchr pass over the same bytes; 0: none */
    double disk_ns;    /* median of write+fdatasync of the same bytes; 0: none */
    double latency_ns; /* one dependent random read in a working set of the same
                             size (the floor of a cache-missing lookup); 0: none */
    unsigned runs;
};

void bench_report(const bench_opts *o, const bench_result *r);
/* Free-form figure (heap counters, sizes); a negative value means "not
 * measured" (printed without a number; -1 in the JSON). */
void bench_report_value(const bench_opts *o, const char *name, const char *what, double value,
                        const char *unit);

/* ------------------------------------------------------------------------
 * Content and stores (bench_content.c, bench_stores.c)
 * ------------------------------------------------------------------------ */

#define BENCH_KEY_MAX 64
#define BENCH_PAYLOAD_MAX 128
#define BENCH_VALUE_MIN 896u
#define BENCH_VALUE_MAX 1152u

/* Key i of a store (i < count): sorted bytewise in i order, never
 * integer-like, so the W-CAN-1 order is the i order. */
size_t bench_kv_key(uint32_t i, char *buf);
/* A key of the same shape that no store holds (lookup misses). */
size_t bench_kv_missing_key(uint32_t i, char *buf);
/* Value of key i: ~1 KiB of ASCII text (length BENCH_VALUE_MIN..MAX). */
size_t bench_kv_value(uint32_t i, uint8_t *buf);

/* Event i of the event list (fields and ~60-byte payload). */
typedef struct bench_event {
    uint64_t ts;
    uint8_t kind, source, flags;
    size_t payload_len;
    char payload[BENCH_PAYLOAD_MAX];
} bench_event;
void bench_make_event(uint32_t i, bench_event *ev);
/* v1 log entry value of event i with id i+1 (spec 6.1). */
size_t bench_v1_log_value(uint32_t i, char *buf, size_t cap);

/* Generates (unless a store with these counts that opens under strict is
 * already there) the v2 store with `events` events and `keys` KV keys at
 * `path`, with the library's canonical builder (W-CAN-*). */
void bench_gen_v2(const char *path, uint32_t events, uint32_t keys);
/* The same for the v1 store with `entries` log entries, meta/log_entry_seq and
 * `keys` KV keys (the builder's format_version 1, W-V1-1). */
void bench_gen_v1(const char *path, uint32_t entries, uint32_t keys);

/* ------------------------------------------------------------------------
 * Measurements
 * ------------------------------------------------------------------------ */

void bench_reader(const bench_opts *o); /* bench_reader.c, bench_lookup.c */
void bench_crc(const bench_opts *o);    /* bench_crc.c: checksums, spec 3.8 */
void bench_lookup(const bench_opts *o);
void bench_writer(const bench_opts *o);    /* bench_writer.c */
void bench_segmented(const bench_opts *o); /* bench_segmented.c (only with --only segmented) */

/* Allocation counting (bench_heap.c): counts every malloc family call made
 * while counting is on.  bench_heap_supported() is 0 when the counter is not
 * compiled in (sanitizer builds, non-glibc). */
typedef struct bench_heap_stats {
    uint64_t calls; /* allocation calls (malloc, calloc, realloc, ...) */
    uint64_t bytes; /* bytes requested */
    uint64_t peak;  /* peak of live bytes allocated while counting */
} bench_heap_stats;
int bench_heap_supported(void);
void bench_heap_start(void);
bench_heap_stats bench_heap_stop(void);

#endif /* ACEPACK_BENCH_H */
