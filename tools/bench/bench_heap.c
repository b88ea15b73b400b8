/*
 * bench_heap.c - an interposed counting allocator: proof, by measurement,
 * that the parse path allocates nothing (brief: "peak heap of the parse
 * path: 0 bytes").
 *
 * The bench executable defines malloc, calloc, realloc, free and the aligned
 * variants itself.  The dynamic linker resolves every call to them - from
 * the bench, from libacepack and from inside libc (strdup, fopen, qsort ...)
 * - to these definitions, which forward to glibc's __libc_* entry points and,
 * while counting is on, record the call.  Blocks allocated while counting
 * are remembered in a small table so that their frees are matched and the
 * peak of live bytes is exact (an overflowing table makes the peak an upper
 * bound; it never happens on the parse path, where the expected count is 0).
 *
 * Only with glibc and without sanitizers (which bring their own allocator;
 * CMake defines BENCH_NO_HEAP_COUNTER then): elsewhere
 * bench_heap_supported() is 0 and the bench says "not measured".
 */
#define _GNU_SOURCE 1 /* malloc_usable_size, memalign, valloc, pvalloc */

#include <stdlib.h>
#include <string.h>

#include "bench.h"

#if defined(__GLIBC__) && !defined(BENCH_NO_HEAP_COUNTER)

#include <errno.h>
#include <malloc.h>

extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t n);
extern void __libc_free(void *p);
extern void *__libc_memalign(size_t align, size_t n);

#define TRACKED 4096

static int counting;
static bench_heap_stats stats;
static uint64_t live;
static void *tracked_ptr[TRACKED];
static size_t tracked_size[TRACKED];

static void note_alloc(void *p, size_t requested)
{
    size_t k, sz;
    if (!counting)
        return;
    stats.calls++;
    stats.bytes += requested;
    if (p == NULL)
        return;
    sz = malloc_usable_size(p);
    live += sz;
    if (live > stats.peak)
        stats.peak = live;
    for (k = 0; k < TRACKED; k++)
        if (tracked_ptr[k] == NULL) {
            tracked_ptr[k] = p;
            tracked_size[k] = sz;
            return;
        }
    /* table full: the block is never subtracted, the peak is an upper bound */
}

static void note_free(void *p)
{
    size_t k;
    if (!counting || p == NULL)
        return;
    for (k = 0; k < TRACKED; k++)
        if (tracked_ptr[k] == p) {
            live -= tracked_size[k];
            tracked_ptr[k] = NULL;
            return;
        }
}

void *malloc(size_t n)
{
    void *p = __libc_malloc(n);
    note_alloc(p, n);
    return p;
}

void *calloc(size_t n, size_t size)
{
    void *p = __libc_calloc(n, size);
    note_alloc(p, n * size);
    return p;
}

void *realloc(void *old, size_t n)
{
    void *p;
    note_free(old);
    p = __libc_realloc(old, n);
    note_alloc(p, n);
    return p;
}

void *reallocarray(void *old, size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size) {
        errno = ENOMEM;
        return NULL;
    }
    return realloc(old, n * size);
}

void free(void *p)
{
    note_free(p);
    __libc_free(p);
}

void *memalign(size_t align, size_t n)
{
    void *p = __libc_memalign(align, n);
    note_alloc(p, n);
    return p;
}

void *aligned_alloc(size_t align, size_t n)
{
    return memalign(align, n);
}

int posix_memalign(void **out, size_t align, size_t n)
{
    void *p;
    if (align < sizeof(void *) || (align & (align - 1u)) != 0)
        return EINVAL;
    p = memalign(align, n);
    if (p == NULL && n != 0)
        return ENOMEM;
    *out = p;
    return 0;
}

void *valloc(size_t n)
{
    return memalign(4096, n);
}

void *pvalloc(size_t n)
{
    return memalign(4096, (n + 4095u) & ~(size_t)4095u);
}

int bench_heap_supported(void)
{
    return 1;
}

void bench_heap_start(void)
{
    memset(&stats, 0, sizeof stats);
    memset(tracked_ptr, 0, sizeof tracked_ptr);
    live = 0;
    counting = 1;
}

bench_heap_stats bench_heap_stop(void)
{
    counting = 0;
    return stats;
}

#else /* no counter */

int bench_heap_supported(void)
{
    return 0;
}

void bench_heap_start(void)
{
}

bench_heap_stats bench_heap_stop(void)
{
    bench_heap_stats s;
    memset(&s, 0, sizeof s);
    return s;
}

#endif
