/* write_sort.c - a stable, iterative merge sort of index arrays (no recursion,
 * no qsort: glibc's qsort may call malloc behind the allocator hook). */
#include "write_internal.h"

int aw_sort(const acepack_allocator *a, size_t *items, size_t n,
            int (*cmp)(void *ctx, size_t x, size_t y), void *ctx)
{
    if (n < 2)
        return 0;
    /* Short runs by insertion sort first: fewer passes, fewer calls. */
    const size_t run = 16;
    for (size_t lo = 0; lo < n; lo += run) {
        size_t hi = lo + run < n ? lo + run : n;
        for (size_t i = lo + 1; i < hi; i++) {
            size_t v = items[i];
            size_t j = i;
            while (j > lo && cmp(ctx, items[j - 1], v) > 0) {
                items[j] = items[j - 1];
                j--;
            }
            items[j] = v;
        }
    }
    if (n <= run)
        return 0;
    size_t bytes = aw_mul(n, sizeof(size_t));
    if (bytes == 0)
        return -1;
    size_t *tmp = aw_malloc(a, bytes);
    if (!tmp)
        return -1;
    size_t *src = items, *dst = tmp;
    for (size_t width = run; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n;
            size_t hi = mid + width < n ? mid + width : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                dst[k++] = cmp(ctx, src[j], src[i]) < 0 ? src[j++] : src[i++];
            while (i < mid)
                dst[k++] = src[i++];
            while (j < hi)
                dst[k++] = src[j++];
        }
        size_t *t = src;
        src = dst;
        dst = t;
        if (width > SIZE_MAX / 4)
            break;
    }
    if (src != items)
        memcpy(items, src, bytes);
    aw_free(a, tmp, bytes);
    return 0;
}
