/* write_alloc.c - the allocator hook, its malloc default, growable buffers. */
#include <stdlib.h>

#include "write_internal.h"

static void *default_alloc(void *ctx, size_t size)
{
    (void)ctx;
    return malloc(size);
}

static void *default_realloc(void *ctx, void *p, size_t old_size, size_t new_size)
{
    (void)ctx;
    (void)old_size;
    return realloc(p, new_size);
}

static void default_free(void *ctx, void *p, size_t size)
{
    (void)ctx;
    (void)size;
    free(p);
}

static const acepack_allocator default_allocator = {default_alloc, default_realloc, default_free,
                                                    NULL};

const acepack_allocator *aw_alloc_or_default(const acepack_allocator *a)
{
    return a ? a : &default_allocator;
}

int aw_alloc_valid(const acepack_allocator *a)
{
    return a == NULL || (a->alloc && a->realloc && a->free);
}

void *aw_malloc(const acepack_allocator *a, size_t n)
{
    if (n == 0)
        n = 1; /* never ask the hook for 0 bytes */
    return a->alloc(a->ctx, n);
}

void aw_free(const acepack_allocator *a, void *p, size_t n)
{
    if (p)
        a->free(a->ctx, p, n == 0 ? 1 : n);
}

size_t aw_mul(size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size)
        return 0;
    return n * size;
}

int aw_buf_reserve(const acepack_allocator *a, aw_buf *b, size_t extra)
{
    if (extra <= b->cap - b->len)
        return 0;
    if (extra > SIZE_MAX - b->len)
        return -1;
    size_t need = b->len + extra;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    uint8_t *p;
    if (b->p)
        p = a->realloc(a->ctx, b->p, b->cap, cap);
    else
        p = a->alloc(a->ctx, cap);
    if (!p)
        return -1;
    b->p = p;
    b->cap = cap;
    return 0;
}

int aw_buf_append(const acepack_allocator *a, aw_buf *b, const void *p, size_t n)
{
    if (n == 0)
        return 0;
    if (aw_buf_reserve(a, b, n) != 0)
        return -1;
    memcpy(b->p + b->len, p, n);
    b->len += n;
    return 0;
}

void aw_buf_free(const acepack_allocator *a, aw_buf *b)
{
    if (b->p)
        a->free(a->ctx, b->p, b->cap);
    b->p = NULL;
    b->len = b->cap = 0;
}
