/*
 * bench_util.c - clock, median, PRNG, the memchr and disk baselines, file
 * helpers.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

void bench_die(const char *fmt, ...)
{
    va_list ap;
    fputs("acepack_bench: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

void bench_check(acepack_status st, const acepack_error *e, const char *what)
{
    if (st == ACEPACK_OK)
        return;
    if (e != NULL && e->status == st)
        bench_die("%s: %s: %s at offset %llu: %s", what, acepack_status_name(st),
                  e->rule ? e->rule : "-", (unsigned long long)e->offset,
                  e->message ? e->message : "");
    bench_die("%s: %s", what, acepack_status_name(st));
}

void *bench_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (p == NULL)
        bench_die("out of memory (%zu bytes)", n);
    return p;
}

uint64_t bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double bench_median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    if (n % 2u)
        return v[n / 2u];
    return (v[n / 2u - 1u] + v[n / 2u]) / 2.0;
}

uint64_t bench_rand(bench_rng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

int bench_rare_byte(const bench_region *rg, size_t nrg)
{
    uint64_t hist[256] = {0};
    size_t k, i;
    int best = 0;
    for (k = 0; k < nrg; k++)
        for (i = 0; i < rg[k].n; i++)
            hist[rg[k].p[i]]++;
    for (i = 1; i < 256; i++)
        if (hist[i] < hist[best])
            best = (int)i;
    return best;
}

size_t bench_memchr_pass(const bench_region *rg, size_t nrg, int c)
{
    size_t hits = 0, k;
    for (k = 0; k < nrg; k++) {
        const uint8_t *p = rg[k].p, *end = rg[k].p + rg[k].n;
        while (p < end) {
            const uint8_t *q = memchr(p, c, (size_t)(end - p));
            if (q == NULL)
                break;
            hits++;
            p = q + 1;
        }
    }
    return hits;
}

size_t bench_region_bytes(const bench_region *rg, size_t nrg)
{
    size_t s = 0, k;
    for (k = 0; k < nrg; k++)
        s += rg[k].n;
    return s;
}

void bench_write_all(int fd, const void *p, size_t n, const char *what)
{
    const uint8_t *b = (const uint8_t *)p;
    while (n > 0) {
        ssize_t w = write(fd, b, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            bench_die("%s: write: %s", what, strerror(errno));
        }
        b += w;
        n -= (size_t)w;
    }
}

void bench_copy_file(const char *from, const char *to)
{
    static uint8_t buf[1 << 20];
    int in = open(from, O_RDONLY), out;
    if (in < 0)
        bench_die("%s: %s", from, strerror(errno));
    out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0)
        bench_die("%s: %s", to, strerror(errno));
    for (;;) {
        ssize_t r = read(in, buf, sizeof buf);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            bench_die("%s: read: %s", from, strerror(errno));
        }
        if (r == 0)
            break;
        bench_write_all(out, buf, (size_t)r, to);
    }
    if (fsync(out) != 0)
        bench_die("%s: fsync: %s", to, strerror(errno));
    close(in);
    close(out);
}

/* The copies bench_reset_copy() made: which source each work file holds. */
static struct {
    char from[4096], to[4096];
    ino_t ino;
} copies[4];

static int find_copy(const char *to)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(copies[i].to, to) == 0)
            return i;
    return -1;
}

void bench_reset_copy(const char *from, const char *to)
{
    struct stat st, fs;
    int i = find_copy(to);
    if (i < 0 || strcmp(copies[i].from, from) != 0 || stat(to, &st) != 0 ||
        st.st_ino != copies[i].ino || stat(from, &fs) != 0 || st.st_size < fs.st_size ||
        fs.st_size < 128) {
        bench_copy_file(from, to);
        if (i < 0)
            i = find_copy("");
        if (i < 0)
            i = 0;
        if (stat(to, &st) != 0)
            bench_die("%s: %s", to, strerror(errno));
        snprintf(copies[i].from, sizeof copies[i].from, "%s", from);
        snprintf(copies[i].to, sizeof copies[i].to, "%s", to);
        copies[i].ino = st.st_ino;
        return;
    }
    /* A commit changed only the header and bytes after the source's end
     * (W-COMMIT-1), so the source's header and size restore it. */
    uint8_t h[128];
    int in = open(from, O_RDONLY), out = open(to, O_WRONLY);
    if (in < 0 || out < 0 || pread(in, h, sizeof h, 0) != (ssize_t)sizeof h ||
        pwrite(out, h, sizeof h, 0) != (ssize_t)sizeof h || ftruncate(out, fs.st_size) != 0 ||
        fsync(out) != 0)
        bench_die("%s: cannot restore from %s: %s", to, from, strerror(errno));
    close(in);
    close(out);
}

uint64_t bench_file_size(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return 0;
    return (uint64_t)st.st_size;
}

uint64_t bench_disk_write_ns(const char *dir, const uint8_t *p, size_t n)
{
    static uint8_t stage[1 << 18];
    char path[4096];
    uint64_t t0, t1;
    int fd;
    snprintf(path, sizeof path, "%s/disk-baseline.tmp", dir);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        bench_die("%s: %s", path, strerror(errno));
    t0 = bench_now_ns();
    /* Through one 256 KiB buffer, as the writer's output stage and `dd bs=256K`
     * do: one write of the whole buffer is no disk limit here, the kernel's
     * first read of each page of a large user buffer is slow on this VM (86 MB:
     * ~190 ms one write, ~20 ms through the buffer; tools/bench/README.md). */
    for (size_t at = 0; at < n; at += sizeof stage) {
        size_t k = n - at < sizeof stage ? n - at : sizeof stage;
        memcpy(stage, p + at, k);
        bench_write_all(fd, stage, k, path);
    }
    if (fdatasync(fd) != 0)
        bench_die("%s: fdatasync: %s", path, strerror(errno));
    t1 = bench_now_ns();
    close(fd);
    unlink(path);
    return t1 - t0;
}

double bench_latency_ns(size_t bytes, unsigned iters)
{
    /* one pointer per 64-byte line, linked in one random cycle (Sattolo) */
    size_t lines = bytes / 64u < 16u ? 16u : bytes / 64u, i, steps = 1000000;
    size_t *buf = bench_xmalloc(lines * 64u), *next = bench_xmalloc(lines * sizeof(size_t));
    const size_t stride = 64u / sizeof(size_t);
    double *t = bench_xmalloc(sizeof(double) * iters), res;
    bench_rng rng;
    volatile size_t sink;
    size_t p = 0;
    unsigned k;
    rng.s = 0xACE0000000000004ull;
    for (i = 0; i < lines; i++)
        next[i] = i;
    for (i = lines - 1u; i > 0; i--) {
        size_t j = (size_t)(bench_rand(&rng) % i), tmp = next[i];
        next[i] = next[j];
        next[j] = tmp;
    }
    for (i = 0; i < lines; i++) /* line next[i] points to line next[i+1] */
        buf[next[i] * stride] = next[(i + 1u) % lines] * stride;
    for (i = 0; i < lines; i++) /* warm-up: one full cycle */
        p = buf[p];
    for (k = 0; k < iters; k++) {
        uint64_t t0 = bench_now_ns();
        for (i = 0; i < steps; i++)
            p = buf[p];
        t[k] = (double)(bench_now_ns() - t0) / (double)steps;
    }
    sink = p;
    (void)sink;
    res = bench_median(t, iters);
    free(t);
    free(next);
    free(buf);
    return res;
}
