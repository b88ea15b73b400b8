/*
 * heapsort.c - in-place heapsort of 32-byte records.
 *
 * Chosen over quicksort because it needs no stack and no recursion and has
 * an O(n log n) worst case whatever order a hostile file puts its keys in.
 */
#include "internal.h"

static void sift_down(ap_rec *v, size_t root, size_t n, ap_rec_cmp cmp, const void *ctx)
{
    ap_rec tmp = v[root];
    for (;;) {
        size_t child = 2 * root + 1;
        if (child >= n || child < root) /* child < root: overflow guard */
            break;
        if (child + 1 < n && cmp(&v[child], &v[child + 1], ctx) < 0)
            child++;
        if (cmp(&tmp, &v[child], ctx) >= 0)
            break;
        v[root] = v[child];
        root = child;
    }
    v[root] = tmp;
}

void ap_heapsort(ap_rec *v, size_t n, ap_rec_cmp cmp, const void *ctx)
{
    size_t i;
    if (n < 2)
        return;
    for (i = n / 2; i-- > 0;)
        sift_down(v, i, n, cmp, ctx);
    for (i = n - 1; i > 0; i--) {
        ap_rec tmp = v[0];
        v[0] = v[i];
        v[i] = tmp;
        sift_down(v, 0, i, cmp, ctx);
    }
}

void *ap_align8(void *mem, size_t size, size_t need)
{
    uint64_t a = AP_ADDRESS_BITS(mem);
    size_t skip = (size_t)((8u - (a & 7u)) & 7u);
    if (mem == NULL || size < skip || size - skip < need)
        return NULL;
    return (unsigned char *)mem + skip;
}
