/*
 * entries.c - the index members as an array, for the commands that list,
 * sort or lay out keys (ls, info, explain).  Also the canonical key order
 * of W-CAN-1, which `info` needs to tell whether a file is canonical.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

acepack_status cli_entries_collect(const acepack_reader *r, const acepack_table *t,
                                   cli_entries *out)
{
    out->v = NULL;
    out->n = 0;
    if (r->entry_count > SIZE_MAX / sizeof(cli_entry))
        return ACEPACK_UNSUPPORTED;
    size_t n = (size_t)r->entry_count;
    cli_entry *v = malloc(n ? n * sizeof *v : 1u);
    if (v == NULL)
        return ACEPACK_UNSUPPORTED;
    acepack_index_iter it;
    acepack_index_iter_init(&it, r);
    size_t i = 0;
    acepack_entry e;
    while (i < n && acepack_index_iter_next(&it, &e)) {
        v[i].e = e;
        v[i].index_pos = i;
        v[i].current = t ? acepack_table_is_current(t, &e) : 1;
        i++;
    }
    out->v = v;
    out->n = i;
    return ACEPACK_OK;
}

void cli_entries_free(cli_entries *es)
{
    free(es->v);
    es->v = NULL;
    es->n = 0;
}

static int cmp_chunk(const void *pa, const void *pb)
{
    const cli_entry *a = pa, *b = pb;
    if (a->e.chunk_offset != b->e.chunk_offset)
        return a->e.chunk_offset < b->e.chunk_offset ? -1 : 1;
    return a->index_pos < b->index_pos ? -1 : a->index_pos > b->index_pos;
}

static int cmp_key(const void *pa, const void *pb)
{
    const cli_entry *a = pa, *b = pb;
    int c = acepack_key_compare(&a->e, &b->e);
    if (c != 0)
        return c;
    return a->index_pos < b->index_pos ? -1 : a->index_pos > b->index_pos;
}

void cli_entries_sort_by_chunk(cli_entries *es)
{
    if (es->n > 1)
        qsort(es->v, es->n, sizeof es->v[0], cmp_chunk);
}

int cli_entries_copy_by_chunk(const cli_entries *src, cli_entries *out)
{
    out->n = 0;
    out->v = malloc(src->n ? src->n * sizeof *out->v : 1u); /* src->v holds as much already */
    if (out->v == NULL)
        return 0;
    out->n = src->n;
    memcpy(out->v, src->v, src->n * sizeof *out->v);
    cli_entries_sort_by_chunk(out);
    return 1;
}

void cli_entries_sort_by_key(cli_entries *es)
{
    if (es->n > 1)
        qsort(es->v, es->n, sizeof es->v[0], cmp_key);
}

uint64_t cli_entries_live_bytes(const cli_entries *es, uint64_t begin, uint64_t end)
{
    uint64_t live = 0, covered = begin;
    for (size_t i = 0; i < es->n; i++) {
        const cli_entry *c = &es->v[i];
        if (!c->current)
            continue;
        uint64_t lo = c->e.chunk_offset;
        uint64_t hi = lo + 4u + c->e.value_length; /* bounded by the file (R-CHK-1) */
        if (lo < covered)
            lo = covered;
        if (hi > end)
            hi = end;
        if (hi > lo) {
            live += hi - lo;
            covered = hi;
        }
    }
    return live;
}

/* W-CAN-1: "0", or 1-9 followed by digits, with a value of at most 2^32-2. */
static int integer_like(const uint8_t *k, size_t n, uint64_t *value)
{
    if (n == 0 || n > 10)
        return 0;
    if (k[0] == '0' && n > 1)
        return 0;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (k[i] < '0' || k[i] > '9')
            return 0;
        v = v * 10u + (uint64_t)(k[i] - '0');
    }
    if (v > 4294967294u)
        return 0;
    *value = v;
    return 1;
}

int cli_canonical_key_cmp(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    uint64_t va = 0, vb = 0;
    int ia = integer_like(a, alen, &va), ib = integer_like(b, blen, &vb);
    if (ia && ib)
        return va < vb ? -1 : va > vb;
    if (ia != ib)
        return ia ? -1 : 1;
    size_t m = alen < blen ? alen : blen;
    int c = m ? memcmp(a, b, m) : 0;
    if (c != 0)
        return c;
    return alen < blen ? -1 : alen > blen;
}
