/*
 * fuzz_helpers.h - what every harness in fuzz/ shares: an assertion that is
 * never compiled out, allocation that cannot fail silently, and a growable
 * byte buffer for dumps.
 *
 * Why not <assert.h>: the fuzz builds are often release builds (-DNDEBUG,
 * OSS-Fuzz's flags), and a harness whose checks disappear only proves "no
 * crash".  FUZZ_ASSERT aborts in every build, so libFuzzer, AFL++ and the
 * regression driver all see a failed invariant as a crash.
 */
#ifndef ACEPACK_FUZZ_HELPERS_H
#define ACEPACK_FUZZ_HELPERS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The entry point every harness defines (libFuzzer's name, which AFL++'s
 * driver and fuzz/regression_driver.c call as well). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ASSERT_MSG(cond, msg)                                                            \
    do {                                                                                      \
        if (!(cond)) {                                                                        \
            fprintf(stderr, "%s:%d: FUZZ_ASSERT(%s) failed: %s\n", __FILE__, __LINE__, #cond, \
                    (msg));                                                                   \
            abort();                                                                          \
        }                                                                                     \
    } while (0)

#define FUZZ_ASSERT(cond) FUZZ_ASSERT_MSG(cond, "invariant broken")

/* A span `[p, p+n)` lies inside `[base, base+size)`.  Written with
 * subtractions only, so that it cannot overflow. */
static inline int fuzz_inside(const void *p, size_t n, const void *base, size_t size)
{
    const uint8_t *q = (const uint8_t *)p, *b = (const uint8_t *)base;
    if (n == 0 && q == NULL)
        return 1;
    if (q < b)
        return 0;
    size_t off = (size_t)(q - b);
    return off <= size && n <= size - off;
}

/* malloc that never returns NULL, and that returns a real (distinct)
 * allocation of exactly n bytes, so that ASan reports the first byte past
 * the end.  n == 0 gets a 0-byte allocation where the C library gives one
 * (glibc and ASan do; ASan then flags any access), else 1 byte. */
static inline void *fuzz_malloc(size_t n)
{
    void *p = malloc(n);
    if (p == NULL && n == 0)
        p = malloc(1);
    FUZZ_ASSERT_MSG(p != NULL, "out of memory");
    return p;
}

/* A copy of n bytes in an allocation of exactly n bytes. */
static inline uint8_t *fuzz_dup(const void *p, size_t n)
{
    uint8_t *q = (uint8_t *)fuzz_malloc(n);
    if (n)
        memcpy(q, p, n);
    return q;
}

/* Growable output buffer (dump text and the like). */
typedef struct fuzz_buf {
    uint8_t *ptr;
    size_t len;
    size_t cap;
} fuzz_buf;

static inline void fuzz_buf_append(fuzz_buf *b, const void *p, size_t n)
{
    if (n == 0)
        return;
    if (b->cap - b->len < n) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap - b->len < n) {
            FUZZ_ASSERT_MSG(cap <= SIZE_MAX / 2, "buffer too large");
            cap *= 2;
        }
        uint8_t *q = (uint8_t *)realloc(b->ptr, cap);
        FUZZ_ASSERT_MSG(q != NULL, "out of memory");
        b->ptr = q;
        b->cap = cap;
    }
    memcpy(b->ptr + b->len, p, n);
    b->len += n;
}

static inline void fuzz_buf_free(fuzz_buf *b)
{
    free(b->ptr);
    b->ptr = NULL;
    b->len = b->cap = 0;
}

static inline int fuzz_buf_equal(const fuzz_buf *a, const fuzz_buf *b)
{
    return a->len == b->len && (a->len == 0 || memcmp(a->ptr, b->ptr, a->len) == 0);
}

/* Big-endian stores and loads of the harness's own, not ap_be32/ap_put_be32
 * (src/common/bytes.h): those are under test, and inputs built with them
 * could hide a bug of theirs. */
static inline void fuzz_put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}
static inline void fuzz_put_be64(uint8_t *p, uint64_t v)
{
    fuzz_put_be32(p, (uint32_t)(v >> 32));
    fuzz_put_be32(p + 4, (uint32_t)v);
}
static inline uint32_t fuzz_get_be32(const uint8_t *p)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++)
        v = (v << 8) | p[i];
    return v;
}
static inline uint64_t fuzz_get_be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = (v << 8) | p[i];
    return v;
}

/* 2^53-1, the largest offset, length or timestamp a file may hold (spec 1.2). */
#define FUZZ_MAX53 UINT64_C(9007199254740991)

#endif /* ACEPACK_FUZZ_HELPERS_H */
